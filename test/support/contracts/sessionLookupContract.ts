import type {
  RevokedTokens,
  SessionLookup,
  User,
  UserRepository,
} from '../../../src/domain/index.js';
import { expect } from '../chai.js';

export interface SessionStores {
  sessions: SessionLookup;
  users: UserRepository;
  revoked: RevokedTokens;
}

const ALICE: User = {
  publicId: '6f1c1a52-3c5e-4d8e-9a53-2f2b0f6f8a11',
  email: 'alice@example.com',
  passwordHash: '$2b$04$abcdefghijklmnopqrstuu0123456789012345678901234567890',
  admin: false,
  registeredOn: new Date('2026-03-01T12:00:00.000Z'),
  tokenGeneration: 3,
};
const UNKNOWN_ID = '0c6a2a4e-8f7b-4c61-9a55-000000000000';
const LATER = new Date('2099-01-01T00:00:00.000Z');

/** The behaviour every SessionLookup shares; `make` runs before each test on empty stores. */
export function sessionLookupContract(make: () => SessionStores): void {
  let stores: SessionStores;

  beforeEach(async function () {
    stores = make();
    await stores.users.add(ALICE);
  });

  it('finds the user as stored, with a token nobody revoked', async function () {
    expect(await stores.sessions.find(ALICE.publicId, 'token-1')).to.deep.equal({
      user: ALICE,
      revoked: false,
    });
  });

  it('reports a revoked token together with its user', async function () {
    await stores.revoked.revoke('token-1', LATER);
    expect(await stores.sessions.find(ALICE.publicId, 'token-1')).to.deep.equal({
      user: ALICE,
      revoked: true,
    });
  });

  it('is not fooled by another token’s revocation', async function () {
    await stores.revoked.revoke('token-2', LATER);
    expect((await stores.sessions.find(ALICE.publicId, 'token-1')).revoked).to.equal(false);
  });

  it('finds no user for an unknown public id, and still says whether the token was revoked', async function () {
    expect(await stores.sessions.find(UNKNOWN_ID, 'token-1')).to.deep.equal({
      user: null,
      revoked: false,
    });
    await stores.revoked.revoke('token-1', LATER);
    expect(await stores.sessions.find(UNKNOWN_ID, 'token-1')).to.deep.equal({
      user: null,
      revoked: true,
    });
  });

  it('sees a change of admin rights at once', async function () {
    await stores.users.setAdmin(ALICE.publicId, true);
    const { user } = await stores.sessions.find(ALICE.publicId, 'token-1');
    expect(user?.admin).to.equal(true);
  });

  it('sees an advance of the token generation at once', async function () {
    await stores.users.advanceTokenGeneration(ALICE.publicId);
    const { user } = await stores.sessions.find(ALICE.publicId, 'token-1');
    expect(user?.tokenGeneration).to.equal(4);
  });

  it('treats any subject string as data: quotes, wildcards, non-UUIDs, long strings', async function () {
    for (const subject of [
      "' OR '1'='1",
      '%',
      '_',
      ALICE.publicId.toUpperCase(),
      'x'.repeat(500),
      '',
    ]) {
      expect(await stores.sessions.find(subject, "'; DROP TABLE users; --")).to.deep.equal({
        user: null,
        revoked: false,
      });
    }
    expect((await stores.sessions.find(ALICE.publicId, 'token-1')).user).to.deep.equal(ALICE);
  });

  it('answers concurrent lookups independently', async function () {
    await stores.revoked.revoke('token-3', LATER);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores.sessions.find(ALICE.publicId, `token-${i % 4}`)),
    );
    expect(results.map((r) => r.revoked)).to.deep.equal(
      Array.from({ length: 20 }, (_, i) => i % 4 === 3),
    );
  });
}
