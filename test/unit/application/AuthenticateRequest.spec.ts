import { expect } from '../../support/chai.js';
import { OPERATOR } from '../../../src/domain/index.js';
import {
  buildCore,
  NO_ORIGIN,
  TEST_ORIGIN,
  TOKEN_TTL_SECONDS,
  type Core,
} from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

async function loggedIn(admin = false): Promise<{ core: Core; token: string }> {
  const core = buildCore();
  await core.addUser.execute(
    { email: 'alice@example.com', password: 'password1', admin },
    TEST_ORIGIN,
  );
  const { accessToken } = await core.logIn.execute(
    {
      email: 'alice@example.com',
      password: 'password1',
    },
    TEST_ORIGIN,
  );
  return { core, token: accessToken };
}

describe('AuthenticateRequest', () => {
  it('returns the user as stored and the verified claims', async () => {
    const { core, token } = await loggedIn();
    const actor = await core.authenticate.execute(token);
    expect(actor.user.email).to.equal('alice@example.com');
    expect(actor.token).to.deep.equal(core.tokens.claimsOf(token));
  });

  it('answers a missing token with UNAUTHENTICATED', async () => {
    const { core } = await loggedIn();
    await expectDomainError(core.authenticate.execute(null), 'UNAUTHENTICATED', 'Unauthorized');
  });

  it('rejects a token that does not verify', async () => {
    const { core } = await loggedIn();
    await expectDomainError(
      core.authenticate.execute('forged'),
      'TOKEN_INVALID',
      'Invalid token. Please log in again.',
    );
  });

  it('rejects a token once its lifetime has passed', async () => {
    const { core, token } = await loggedIn();
    core.clock.advanceSeconds(TOKEN_TTL_SECONDS - 1);
    await core.authenticate.execute(token);
    core.clock.advanceSeconds(1);
    await expectDomainError(
      core.authenticate.execute(token),
      'TOKEN_EXPIRED',
      'Access token expired. Please log in again.',
    );
  });

  it('rejects a revoked token', async () => {
    const { core, token } = await loggedIn();
    await core.logOut.execute(await core.authenticate.execute(token), TEST_ORIGIN);
    await expectDomainError(
      core.authenticate.execute(token),
      'TOKEN_REVOKED',
      'Token blacklisted. Please log in again.',
    );
  });

  it('rejects a token of a user deleted since it was issued', async () => {
    const { core, token } = await loggedIn();
    core.users.delete(core.tokens.claimsOf(token).subject);
    await expectDomainError(
      core.authenticate.execute(token),
      'TOKEN_INVALID',
      'Invalid token. Please log in again.',
    );
  });

  it('takes admin rights from the database, not from the token', async () => {
    const { core, token } = await loggedIn(true);
    // Another administrator first: the last one cannot be demoted.
    await core.addUser.execute(
      { email: 'bob@example.com', password: 'password1', admin: true },
      NO_ORIGIN,
    );
    const alice = { email: 'alice@example.com' };
    await core.changeAdminRights.execute(OPERATOR, alice, false, NO_ORIGIN);
    const actor = await core.authenticate.execute(token);
    expect(core.tokens.claimsOf(token).admin).to.equal(true);
    expect(actor.user.admin).to.equal(false);
  });

  it("refuses a token of a generation older than the user's as blacklisted", async () => {
    const { core, token } = await loggedIn();
    const { subject } = core.tokens.claimsOf(token);
    await core.users.advanceTokenGeneration(subject);
    await expectDomainError(
      core.authenticate.execute(token),
      'TOKEN_REVOKED',
      'Token blacklisted. Please log in again.',
    );
  });

  it("accepts a token of the user's current generation, and of a later one", async () => {
    const { core } = await loggedIn();
    const alice = await core.users.findByEmail('alice@example.com');
    await core.users.advanceTokenGeneration(alice!.publicId);
    const current = await core.logIn.execute(
      { email: 'alice@example.com', password: 'password1' },
      TEST_ORIGIN,
    );
    expect(core.tokens.claimsOf(current.accessToken).generation).to.equal(1);
    await core.authenticate.execute(current.accessToken);
    const later = await core.tokens.sign({
      ...core.tokens.claimsOf(current.accessToken),
      tokenId: 'later',
      generation: 2,
    });
    expect((await core.authenticate.execute(later)).token.generation).to.equal(2);
  });
});
