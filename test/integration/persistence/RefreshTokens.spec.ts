import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createKnex } from '../../../src/adapters/persistence/knex/createKnex.js';
import { KnexRefreshTokens } from '../../../src/adapters/persistence/knex/KnexRefreshTokens.js';
import { KnexRevokedTokens } from '../../../src/adapters/persistence/knex/KnexRevokedTokens.js';
import { KnexSessionLookup } from '../../../src/adapters/persistence/knex/KnexSessionLookup.js';
import { KnexUserRepository } from '../../../src/adapters/persistence/knex/KnexUserRepository.js';
import type { RefreshGrant, User } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import { refreshTokensContract } from '../../support/contracts/refreshTokensContract.js';
import { aUser } from '../../support/contracts/userRepositoryContract.js';
import { describeEachDatabase } from '../../support/databases.js';
import { FixedClock } from '../../support/fakes/FixedClock.js';
import { InMemoryRefreshTokens } from '../../support/fakes/InMemoryRefreshTokens.js';
import { InMemoryRevokedTokens } from '../../support/fakes/InMemoryRevokedTokens.js';
import { InMemoryUserRepository } from '../../support/fakes/InMemoryUserRepository.js';
import { knexFamilyState } from '../../support/refreshTokenRows.js';

describe('InMemoryRefreshTokens', function () {
  refreshTokensContract(() => {
    const users = new InMemoryUserRepository();
    const revoked = new InMemoryRevokedTokens();
    const store = new InMemoryRefreshTokens(users, revoked);
    return { store, users, revoked, familyState: async (id) => store.familyState(id) };
  });
});

describeEachDatabase('KnexRefreshTokens', function (db) {
  refreshTokensContract(() => ({
    store: new KnexRefreshTokens(db.knex(), new FixedClock()),
    users: new KnexUserRepository(db.knex()),
    revoked: new KnexRevokedTokens(db.knex()),
    familyState: (familyId) => knexFamilyState(db.knex(), familyId),
  }));
});

/** What only a database shows: the rows themselves, the cascade, the hot path, two pools. */
describeEachDatabase('KnexRefreshTokens storage', function (db) {
  const NOW = new Date('2026-03-01T12:00:00.000Z');
  const DAY = 24 * 3600 * 1000;
  let store: KnexRefreshTokens;
  let users: KnexUserRepository;
  let alice: User;

  function aGrant(): RefreshGrant {
    return {
      token: randomBytes(32).toString('base64url'),
      expiresAt: new Date(NOW.getTime() + 30 * DAY),
      accessTokenId: randomUUID(),
      accessExpiresAt: new Date(NOW.getTime() + 900_000),
    };
  }

  async function logIn(user: User = alice): Promise<{ familyId: string; grant: RefreshGrant }> {
    const familyId = randomUUID();
    const grant = aGrant();
    await store.start({ familyId, publicId: user.publicId, generation: 0, grant });
    return { familyId, grant };
  }

  beforeEach(async function () {
    store = new KnexRefreshTokens(db.knex(), new FixedClock(NOW));
    users = new KnexUserRepository(db.knex());
    alice = aUser({ email: 'alice@example.com' });
    await users.add(alice);
  });

  it('stores the SHA-256 of each secret and never the secret itself', async function () {
    const { familyId, grant } = await logIn();
    const next = aGrant();
    await store.rotate({ presented: grant.token, next, now: NOW, graceSeconds: 10 });

    const knex = db.knex();
    const hashes = await knex('refresh_tokens').orderBy('spent_at').pluck('token_hash');
    const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
    expect(new Set(hashes)).to.deep.equal(new Set([sha256(grant.token), sha256(next.token)]));
    const stored = JSON.stringify([
      await knex('refresh_tokens').select(),
      await knex('refresh_families').select(),
    ]);
    expect(stored).to.include(familyId);
    expect(stored).not.to.include(grant.token);
    expect(stored).not.to.include(next.token);
  });

  it('deletes an account’s families and tokens with the account, and nobody else’s', async function () {
    const bob = aUser({ email: 'bob@example.com' });
    await users.add(bob);
    const first = await logIn();
    await store.rotate({
      presented: first.grant.token,
      next: aGrant(),
      now: NOW,
      graceSeconds: 10,
    });
    await logIn();
    const bobs = await logIn(bob);

    await users.remove(alice.publicId);

    const knex = db.knex();
    expect(await knex('refresh_families').pluck('user_id')).to.deep.equal([bob.publicId]);
    expect(await knex('refresh_tokens').pluck('family_id')).to.deep.equal([bobs.familyId]);
  });

  it('refuses a revoked family’s access tokens on the request hot path', async function () {
    const { grant } = await logIn();
    const sessions = new KnexSessionLookup(db.knex());
    expect((await sessions.find(alice.publicId, grant.accessTokenId)).revoked).to.equal(false);

    await store.revokeFamilyOf(grant.accessTokenId, NOW);

    expect((await sessions.find(alice.publicId, grant.accessTokenId)).revoked).to.equal(true);
  });

  describe('with two connection pools on one database (two instances)', function () {
    let other: Knex | undefined;

    before(function () {
      other = createKnex(db.url());
    });

    after(async function () {
      await other?.destroy();
    });

    it('of concurrent rotations of one token across both, exactly one rotates', async function () {
      const stores = [store, new KnexRefreshTokens(other ?? db.knex(), new FixedClock(NOW))];
      for (let run = 0; run < 5; run++) {
        const { familyId, grant } = await logIn();

        const outcomes = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (stores[i % 2] ?? store).rotate({
              presented: grant.token,
              next: aGrant(),
              now: NOW,
              graceSeconds: 10,
            }),
          ),
        );

        expect(outcomes.map((outcome) => outcome.outcome).sort()).to.deep.equal([
          'reused',
          'reused',
          'reused',
          'reused',
          'reused',
          'reused',
          'reused',
          'rotated',
        ]);
        expect(await knexFamilyState(db.knex(), familyId)).to.deep.equal({
          tokens: 2,
          spent: 1,
          revoked: false,
        });
      }
    });
  });
});
