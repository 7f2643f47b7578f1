import { TOKEN_MESSAGES } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import { buildCore, TEST_ORIGIN, type Core } from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

const ALICE = { email: 'alice@example.com', password: 'password1' };

async function withAliceAndBob(): Promise<Core> {
  const core = buildCore();
  await core.addUser.execute({ ...ALICE, admin: false }, TEST_ORIGIN);
  await core.addUser.execute(
    { email: 'bob@example.com', password: 'password1', admin: false },
    TEST_ORIGIN,
  );
  core.audit.entries.length = 0;
  return core;
}

const revoked = (core: Core, token: string) =>
  expectDomainError(
    core.authenticate.execute(token),
    'TOKEN_REVOKED',
    TOKEN_MESSAGES.TOKEN_REVOKED,
  );

describe('LogOutEverywhere', () => {
  it("refuses every token of the user issued until now, the presented one included, and no one else's", async () => {
    const core = await withAliceAndBob();
    const tokens = [];
    for (let i = 0; i < 3; i++)
      tokens.push((await core.logIn.execute(ALICE, TEST_ORIGIN)).accessToken);
    const bob = (await core.logIn.execute({ ...ALICE, email: 'bob@example.com' }, TEST_ORIGIN))
      .accessToken;

    await core.logOutEverywhere.execute(await core.authenticate.execute(tokens[1]!), TEST_ORIGIN);

    for (const token of tokens) await revoked(core, token);
    await core.authenticate.execute(bob);
    // Nothing grows per token: one counter moved on.
    expect(await core.revoked.purgeExpired(new Date(8.64e15))).to.equal(0);
    expect((await core.users.findByEmail(ALICE.email))?.tokenGeneration).to.equal(1);
  });

  it('lets a login after it work, in the same second too', async () => {
    const core = await withAliceAndBob();
    const before = (await core.logIn.execute(ALICE, TEST_ORIGIN)).accessToken;
    await core.logOutEverywhere.execute(await core.authenticate.execute(before), TEST_ORIGIN);
    const after = (await core.logIn.execute(ALICE, TEST_ORIGIN)).accessToken;
    expect(core.tokens.claimsOf(after).issuedAt).to.equal(core.tokens.claimsOf(before).issuedAt);
    expect((await core.authenticate.execute(after)).user.email).to.equal(ALICE.email);
  });

  it('refuses a token whose login read the account before a logout everywhere', async () => {
    const core = await withAliceAndBob();
    const token = (await core.logIn.execute(ALICE, TEST_ORIGIN)).accessToken;
    const actor = await core.authenticate.execute(token);
    // Both requests were authenticated before either advanced the generation: both succeed.
    await core.logOutEverywhere.execute(actor, TEST_ORIGIN);
    await core.logOutEverywhere.execute(actor, TEST_ORIGIN);
    expect((await core.users.findByEmail(ALICE.email))?.tokenGeneration).to.equal(2);
    await revoked(core, token);
  });

  it('answers TOKEN_INVALID when the user was deleted after the token was checked', async () => {
    const core = await withAliceAndBob();
    const actor = await core.authenticate.execute(
      (await core.logIn.execute(ALICE, TEST_ORIGIN)).accessToken,
    );
    core.users.delete(actor.user.publicId);
    core.audit.entries.length = 0;
    await expectDomainError(
      core.logOutEverywhere.execute(actor, TEST_ORIGIN),
      'TOKEN_INVALID',
      TOKEN_MESSAGES.TOKEN_INVALID,
    );
    expect(core.audit.entries).to.deep.equal([]);
  });

  it('records logout_all with the user and the origin', async () => {
    const core = await withAliceAndBob();
    const actor = await core.authenticate.execute(
      (await core.logIn.execute(ALICE, TEST_ORIGIN)).accessToken,
    );
    core.audit.entries.length = 0;
    const origin = { requestId: 'r-9', clientAddress: '2001:db8::1' };
    await core.logOutEverywhere.execute(actor, origin);
    expect(core.audit.entries).to.deep.equal([
      { event: 'logout_all', publicId: actor.user.publicId, origin },
    ]);
  });
});
