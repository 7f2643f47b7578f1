import { randomBytes, randomUUID } from 'node:crypto';
import type {
  RefreshGrant,
  RefreshOutcome,
  RefreshTokens,
  RevokedTokens,
  User,
  UserRepository,
} from '../../../src/domain/index.js';
import { expect } from '../chai.js';
import { expectDomainError } from '../expectDomainError.js';
import { aUser } from './userRepositoryContract.js';

/** A family as the tests inspect it: how many tokens it holds, how many spent, whether revoked. */
export interface FamilyState {
  readonly tokens: number;
  readonly spent: number;
  readonly revoked: boolean;
}

export interface RefreshTokenStores {
  readonly store: RefreshTokens;
  /** Where the users the families belong to live (the store checks them on every rotation). */
  readonly users: UserRepository;
  /** Where a revoked family's access tokens must show up, as the request hot path reads them. */
  readonly revoked: RevokedTokens;
  /** The family as stored, or null when it is gone. */
  familyState(familyId: string): Promise<FamilyState | null>;
}

const NOW = new Date('2026-03-01T12:00:00.000Z');
const GRACE_SECONDS = 10;
const THIRTY_DAYS = 30 * 24 * 3600;
const ACCESS_TTL = 900;
const INVALID = 'Invalid token. Please log in again.';
/** How often each race is run: the interleavings differ from run to run. */
const RACE_RUNS = 5;
const RACERS = 8;

function at(seconds: number): Date {
  return new Date(NOW.getTime() + seconds * 1000);
}

/** A grant as the issuer prepares one at `issuedAt` seconds from NOW. */
function aGrant(issuedAt = 0, overrides: Partial<RefreshGrant> = {}): RefreshGrant {
  return {
    token: randomBytes(32).toString('base64url'),
    expiresAt: at(issuedAt + THIRTY_DAYS),
    accessTokenId: randomUUID(),
    accessExpiresAt: at(issuedAt + ACCESS_TTL),
    ...overrides,
  };
}

/** The behaviour every RefreshTokens shares; `make` runs before each test on empty stores. */
export function refreshTokensContract(make: () => RefreshTokenStores): void {
  let stores: RefreshTokenStores;
  let alice: User;

  beforeEach(async function () {
    stores = make();
    alice = aUser({ email: 'alice@example.com', tokenGeneration: 2 });
    await stores.users.add(alice);
  });

  /** A login of `user` at their current generation: a new family holding `grant`. */
  async function logIn(
    grant: RefreshGrant = aGrant(),
    user: User = alice,
  ): Promise<{ familyId: string; grant: RefreshGrant }> {
    const familyId = randomUUID();
    await stores.store.start({
      familyId,
      publicId: user.publicId,
      generation: user.tokenGeneration,
      grant,
    });
    return { familyId, grant };
  }

  function rotate(presented: string, now: Date, next: RefreshGrant = aGrant()) {
    return stores.store.rotate({ presented, next, now, graceSeconds: GRACE_SECONDS });
  }

  function rotated(familyId: string, user: User = alice): RefreshOutcome {
    return { outcome: 'rotated', user, familyId };
  }

  function reused(familyId: string, familyRevoked: boolean): RefreshOutcome {
    return { outcome: 'reused', publicId: alice.publicId, familyId, familyRevoked };
  }

  const REFUSED: RefreshOutcome = { outcome: 'refused' };

  describe('rotation', function () {
    it('spends a live token and stores its successor in the same family, which rotates in turn', async function () {
      const { familyId, grant } = await logIn();
      const next = aGrant(60);

      expect(await rotate(grant.token, at(60), next)).to.deep.equal(rotated(familyId));
      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 2,
        spent: 1,
        revoked: false,
      });
      expect(await rotate(next.token, at(120), aGrant(120))).to.deep.equal(rotated(familyId));
      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 3,
        spent: 2,
        revoked: false,
      });
    });

    it('refuses an unknown token and changes nothing', async function () {
      const { familyId } = await logIn();

      expect(await rotate(aGrant().token, at(60))).to.deep.equal(REFUSED);
      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 1,
        spent: 0,
        revoked: false,
      });
    });

    it('refuses a token from the instant it expires, and rotates it a millisecond before', async function () {
      const { familyId, grant } = await logIn(aGrant(0, { expiresAt: at(3600) }));

      expect(await rotate(grant.token, at(3600))).to.deep.equal(REFUSED);
      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 1,
        spent: 0,
        revoked: false,
      });
      const justBefore = new Date(at(3600).getTime() - 1);
      expect(await rotate(grant.token, justBefore)).to.deep.equal(rotated(familyId));
    });

    it('refuses the live token of a revoked family', async function () {
      const { familyId, grant } = await logIn();
      await stores.store.revokeFamilyOf(grant.accessTokenId, at(30));

      expect(await rotate(grant.token, at(60))).to.deep.equal(REFUSED);
      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 1,
        spent: 0,
        revoked: true,
      });
    });

    it('refuses every token of a family once the user’s token generation has moved past it', async function () {
      const { familyId, grant } = await logIn();
      expect(await stores.users.advanceTokenGeneration(alice.publicId)).to.equal(3);

      expect(await rotate(grant.token, at(60))).to.deep.equal(REFUSED);
      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 1,
        spent: 0,
        revoked: false,
      });
      // A login after the change starts at the new generation and lives.
      const after = await logIn(aGrant(), { ...alice, tokenGeneration: 3 });
      expect(await rotate(after.grant.token, at(60))).to.deep.equal(
        rotated(after.familyId, { ...alice, tokenGeneration: 3 }),
      );
    });

    it('refuses a token once its user is deleted', async function () {
      const { grant } = await logIn();
      expect(await stores.users.remove(alice.publicId)).to.deep.equal(alice);

      expect(await rotate(grant.token, at(60))).to.deep.equal(REFUSED);
    });

    it('refuses to start a family for a user who does not exist', async function () {
      const ghost = aUser({ email: 'ghost@example.com' });

      await expectDomainError(logIn(aGrant(), ghost), 'TOKEN_INVALID', INVALID);
    });
  });

  describe('reuse of a spent token', function () {
    it('within the grace after its rotation: reused, nothing revoked, the successor still rotates', async function () {
      const { familyId, grant } = await logIn();
      const next = aGrant(60);
      await rotate(grant.token, at(60), next);

      // The last instant of the grace.
      expect(await rotate(grant.token, at(60 + GRACE_SECONDS))).to.deep.equal(
        reused(familyId, false),
      );
      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 2,
        spent: 1,
        revoked: false,
      });
      expect(await stores.revoked.isRevoked(grant.accessTokenId)).to.equal(false);
      expect(await stores.revoked.isRevoked(next.accessTokenId)).to.equal(false);
      expect(await rotate(next.token, at(80))).to.deep.equal(rotated(familyId));
    });

    it('after the grace: revokes the family, its live token and every unexpired access token issued from it', async function () {
      // The first access token has expired by the time of the reuse, the second has not.
      const { familyId, grant } = await logIn(aGrant(0, { accessExpiresAt: at(900) }));
      const next = aGrant(1000);
      expect(await rotate(grant.token, at(1000), next)).to.deep.equal(rotated(familyId));

      const reuseAt = at(1000 + GRACE_SECONDS + 1);
      expect(await rotate(grant.token, reuseAt)).to.deep.equal(reused(familyId, true));

      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 2,
        spent: 1,
        revoked: true,
      });
      expect(await stores.revoked.isRevoked(next.accessTokenId)).to.equal(true);
      // Expired already: the hot path refuses it by its `exp`, no revocation needed.
      expect(await stores.revoked.isRevoked(grant.accessTokenId)).to.equal(false);
      expect(await rotate(next.token, reuseAt)).to.deep.equal(REFUSED);
      // The family is revoked once: the spent token coming back again changes nothing more.
      expect(await rotate(grant.token, at(1100))).to.deep.equal(REFUSED);
    });

    it('after the grace: leaves the user’s other families alone', async function () {
      const stolen = await logIn();
      const otherDevice = await logIn();
      await rotate(stolen.grant.token, at(60));

      expect(await rotate(stolen.grant.token, at(600))).to.deep.equal(
        reused(stolen.familyId, true),
      );

      expect(await stores.familyState(otherDevice.familyId)).to.deep.equal({
        tokens: 1,
        spent: 0,
        revoked: false,
      });
      expect(await stores.revoked.isRevoked(otherDevice.grant.accessTokenId)).to.equal(false);
      expect(await rotate(otherDevice.grant.token, at(600))).to.deep.equal(
        rotated(otherDevice.familyId),
      );
    });
  });

  describe('revokeFamilyOf (a logout)', function () {
    it('revokes the family of an access token once, with its live token and access tokens', async function () {
      const { familyId, grant } = await logIn();
      const next = aGrant(60);
      await rotate(grant.token, at(60), next);

      expect(await stores.store.revokeFamilyOf(next.accessTokenId, at(120))).to.equal(true);
      expect(await stores.store.revokeFamilyOf(next.accessTokenId, at(121))).to.equal(false);
      expect(await stores.store.revokeFamilyOf(grant.accessTokenId, at(122))).to.equal(false);

      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 2,
        spent: 1,
        revoked: true,
      });
      expect(await stores.revoked.isRevoked(grant.accessTokenId)).to.equal(true);
      expect(await stores.revoked.isRevoked(next.accessTokenId)).to.equal(true);
      expect(await rotate(next.token, at(130))).to.deep.equal(REFUSED);
    });

    it('says false for an access token issued with no refresh token', async function () {
      const { familyId } = await logIn();

      expect(await stores.store.revokeFamilyOf(randomUUID(), at(60))).to.equal(false);
      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 1,
        spent: 0,
        revoked: false,
      });
    });
  });

  describe('races', function () {
    it(`of ${RACERS} concurrent rotations of one token exactly one rotates, the others are reused within the grace, and the family has one live token`, async function () {
      for (let run = 0; run < RACE_RUNS; run++) {
        const { familyId, grant } = await logIn();
        const nexts = Array.from({ length: RACERS }, () => aGrant(60));

        const outcomes = await Promise.all(nexts.map((next) => rotate(grant.token, at(60), next)));

        const winners = outcomes.flatMap((outcome, i) =>
          outcome.outcome === 'rotated' ? [i] : [],
        );
        expect(winners, `run ${run}`).to.have.length(1);
        const winner = winners[0] ?? -1;
        expect(outcomes.filter((_, i) => i !== winner)).to.deep.equal(
          Array.from({ length: RACERS - 1 }, () => reused(familyId, false)),
        );
        expect(await stores.familyState(familyId)).to.deep.equal({
          tokens: 2,
          spent: 1,
          revoked: false,
        });
        // The winner's successor lives; the losers' were never stored.
        for (const [i, next] of nexts.entries()) {
          if (i !== winner) expect(await rotate(next.token, at(61))).to.deep.equal(REFUSED);
        }
        expect(await rotate(nexts[winner]?.token ?? '', at(61))).to.deep.equal(rotated(familyId));
      }
    });

    it('a revocation racing rotations never leaves a live token in a revoked family', async function () {
      for (let run = 0; run < RACE_RUNS; run++) {
        const { familyId, grant } = await logIn();
        const nexts = Array.from({ length: 4 }, () => aGrant(60));

        const [revoked, ...outcomes] = await Promise.all([
          stores.store.revokeFamilyOf(grant.accessTokenId, at(60)),
          ...nexts.map((next) => rotate(grant.token, at(60), next)),
        ]);

        expect(revoked, `run ${run}`).to.equal(true);
        expect((await stores.familyState(familyId))?.revoked).to.equal(true);
        expect(outcomes.filter((outcome) => outcome.outcome === 'rotated')).to.have.length.below(2);
        for (const [i, outcome] of outcomes.entries()) {
          expect(outcome.outcome).to.be.oneOf(['rotated', 'reused', 'refused']);
          const next = nexts[i];
          if (next === undefined) continue;
          // Stored or not, the successor does not rotate, and its access token is refused if
          // it was ever stored (a rotation ordered before the revocation).
          expect(await rotate(next.token, at(61))).to.deep.equal(REFUSED);
          if (outcome.outcome === 'rotated') {
            expect(await stores.revoked.isRevoked(next.accessTokenId)).to.equal(true);
          }
        }
      }
    });
  });

  describe('purgeExpired', function () {
    it('deletes exactly the tokens expired with their access tokens, then the families left with none', async function () {
      // Every token of this family has expired: it goes entirely.
      const gone = await logIn(aGrant(0, { expiresAt: at(-10), accessExpiresAt: at(-100) }));
      // Its first token expired, its successor lives: only the first goes.
      const renewed = await logIn(aGrant(0, { expiresAt: at(-10), accessExpiresAt: at(-100) }));
      const successor = aGrant(-20);
      await rotate(renewed.grant.token, at(-20), successor);
      // Expired, but its access token lives: kept, so a logout can still find its family.
      const accessLives = await logIn(aGrant(0, { expiresAt: at(-10), accessExpiresAt: at(100) }));
      // Expires at this very instant: not before it, kept.
      const expiresNow = await logIn(aGrant(0, { expiresAt: NOW, accessExpiresAt: at(-100) }));

      expect(await stores.store.purgeExpired(NOW)).to.equal(2);

      expect(await stores.familyState(gone.familyId)).to.equal(null);
      expect(await stores.familyState(renewed.familyId)).to.deep.equal({
        tokens: 1,
        spent: 0,
        revoked: false,
      });
      for (const kept of [accessLives, expiresNow]) {
        expect(await stores.familyState(kept.familyId)).to.deep.equal({
          tokens: 1,
          spent: 0,
          revoked: false,
        });
      }
      expect(await rotate(successor.token, NOW)).to.deep.equal(rotated(renewed.familyId));
      expect(await stores.store.revokeFamilyOf(accessLives.grant.accessTokenId, NOW)).to.equal(
        true,
      );
      expect(await stores.store.purgeExpired(NOW)).to.equal(0);
    });

    it('purges nothing and returns 0 when nothing has expired', async function () {
      const { familyId } = await logIn();

      expect(await stores.store.purgeExpired(NOW)).to.equal(0);
      expect(await stores.familyState(familyId)).to.deep.equal({
        tokens: 1,
        spent: 0,
        revoked: false,
      });
    });
  });
}
