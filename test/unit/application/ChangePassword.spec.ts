import { PASSWORD_MESSAGE, TOKEN_MESSAGES } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import {
  buildCore,
  LOGIN_MAX_FAILURES,
  TEST_ORIGIN,
  TOKEN_TTL_SECONDS,
  type Core,
} from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

const ALICE = { email: 'alice@example.com', password: 'password1' };
const CHANGE = { currentPassword: 'password1', newPassword: 'new-password-2' };

async function aliceLoggedInTwice(): Promise<{ core: Core; first: string; second: string }> {
  const core = buildCore();
  await core.addUser.execute({ ...ALICE, admin: false }, TEST_ORIGIN);
  const first = (await core.logIn.execute(ALICE, TEST_ORIGIN)).accessToken;
  const second = (await core.logIn.execute(ALICE, TEST_ORIGIN)).accessToken;
  core.hasher.verifications = 0;
  core.audit.entries.length = 0;
  return { core, first, second };
}

const revoked = (core: Core, token: string) =>
  expectDomainError(
    core.authenticate.execute(token),
    'TOKEN_REVOKED',
    TOKEN_MESSAGES.TOKEN_REVOKED,
  );

describe('ChangePassword', () => {
  it('stores the new password: it logs in, the old one no longer does', async () => {
    const { core, first } = await aliceLoggedInTwice();
    await core.changePassword.execute(await core.authenticate.execute(first), CHANGE, TEST_ORIGIN);
    await core.logIn.execute({ ...ALICE, password: 'new-password-2' }, TEST_ORIGIN);
    await expectDomainError(
      core.logIn.execute(ALICE, TEST_ORIGIN),
      'BAD_CREDENTIALS',
      'email or password does not match',
    );
  });

  it('answers a fresh token of the new generation, and refuses every token issued before, in the same second too', async () => {
    const { core, first, second } = await aliceLoggedInTwice();
    const issued = await core.changePassword.execute(
      await core.authenticate.execute(first),
      CHANGE,
      TEST_ORIGIN,
    );
    expect(issued.expiresIn).to.equal(TOKEN_TTL_SECONDS);
    const fresh = core.tokens.claimsOf(issued.accessToken);
    // The clock has not moved: all three tokens share their issue second.
    expect(fresh.issuedAt).to.equal(core.tokens.claimsOf(first).issuedAt);
    expect(fresh.generation).to.equal(1);
    expect((await core.users.findByEmail(ALICE.email))?.tokenGeneration).to.equal(1);

    await revoked(core, first);
    await revoked(core, second);
    const actor = await core.authenticate.execute(issued.accessToken);
    expect(actor.user.passwordHash).to.equal('hashed:new-password-2');
  });

  it('verifies the current password once and hashes the new one once', async () => {
    const { core, first } = await aliceLoggedInTwice();
    let hashes = 0;
    const hash = core.hasher.hash.bind(core.hasher);
    core.hasher.hash = (password) => {
      hashes += 1;
      return hash(password);
    };
    await core.changePassword.execute(await core.authenticate.execute(first), CHANGE, TEST_ORIGIN);
    expect([core.hasher.verifications, hashes]).to.deep.equal([1, 1]);
  });

  it('refuses a wrong current password with "password does not match", changing nothing', async () => {
    const { core, first } = await aliceLoggedInTwice();
    const before = await core.users.findByEmail(ALICE.email);
    await expectDomainError(
      core.changePassword.execute(
        await core.authenticate.execute(first),
        { ...CHANGE, currentPassword: 'password2' },
        TEST_ORIGIN,
      ),
      'BAD_CREDENTIALS',
      'password does not match',
    );
    expect(core.hasher.verifications).to.equal(1);
    expect(await core.users.findByEmail(ALICE.email)).to.deep.equal(before);
    await core.authenticate.execute(first);
    expect(core.audit.entries).to.deep.equal([]);
  });

  it('counts wrong current passwords with failed logins, and refuses at the limit', async () => {
    const { core, first } = await aliceLoggedInTwice();
    const actor = await core.authenticate.execute(first);
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) {
      await expectDomainError(
        core.changePassword.execute(actor, { ...CHANGE, currentPassword: 'wrong' }, TEST_ORIGIN),
        'BAD_CREDENTIALS',
        'password does not match',
      );
    }
    await expectDomainError(
      core.logIn.execute({ ...ALICE, password: 'wrong' }, TEST_ORIGIN),
      'BAD_CREDENTIALS',
      'email or password does not match',
    );
    await expectDomainError(
      core.changePassword.execute(actor, CHANGE, TEST_ORIGIN),
      'RATE_LIMITED',
      'Too many attempts. Try again later.',
    );
  });

  it('refuses a new password that breaks the register rule, before any verification', async () => {
    const { core, first } = await aliceLoggedInTwice();
    for (const newPassword of ['short', 'é'.repeat(37)]) {
      await expectDomainError(
        core.changePassword.execute(
          await core.authenticate.execute(first),
          { currentPassword: 'wrong', newPassword },
          TEST_ORIGIN,
        ),
        'VALIDATION',
        'Input payload validation failed',
        { new_password: PASSWORD_MESSAGE },
      );
    }
    expect(core.hasher.verifications).to.equal(0);
    expect((await core.users.findByEmail(ALICE.email))?.tokenGeneration).to.equal(0);
  });

  it('answers TOKEN_INVALID when the user was deleted after the token was checked', async () => {
    const { core, first } = await aliceLoggedInTwice();
    const actor = await core.authenticate.execute(first);
    core.users.delete(actor.user.publicId);
    await expectDomainError(
      core.changePassword.execute(actor, CHANGE, TEST_ORIGIN),
      'TOKEN_INVALID',
      TOKEN_MESSAGES.TOKEN_INVALID,
    );
    expect(core.audit.entries).to.deep.equal([]);
  });

  it('records password_change with the user and the origin, and nothing secret', async () => {
    const { core, first } = await aliceLoggedInTwice();
    const actor = await core.authenticate.execute(first);
    await core.changePassword.execute(actor, CHANGE, TEST_ORIGIN);
    expect(core.audit.entries).to.deep.equal([
      { event: 'password_change', publicId: actor.user.publicId, origin: TEST_ORIGIN },
    ]);
  });
});
