import { expect } from '../../support/chai.js';
import { buildCore, type Core } from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

async function withAlice(): Promise<Core> {
  const core = buildCore();
  await core.addUser.execute({ email: 'alice@example.com', password: 'password1', admin: false });
  core.hasher.verifications = 0;
  return core;
}

describe('LogIn', () => {
  it('returns a token for the right password, with the email in any case', async () => {
    const core = await withAlice();
    const issued = await core.logIn.execute({ email: ' ALICE@example.com', password: 'password1' });
    const claims = core.tokens.claimsOf(issued.accessToken);
    const alice = await core.users.findByEmail('alice@example.com');
    expect(claims.subject).to.equal(alice?.publicId);
  });

  it('refuses a wrong password with one password verification', async () => {
    const core = await withAlice();
    await expectDomainError(
      core.logIn.execute({ email: 'alice@example.com', password: 'password2' }),
      'BAD_CREDENTIALS',
      'email or password does not match',
    );
    expect(core.hasher.verifications).to.equal(1);
  });

  it('refuses an unknown email with the same message and the same single verification', async () => {
    const core = await withAlice();
    await expectDomainError(
      core.logIn.execute({ email: 'nobody@example.com', password: 'password1' }),
      'BAD_CREDENTIALS',
      'email or password does not match',
    );
    expect(core.hasher.verifications).to.equal(1);
  });

  it('does not apply the register-time password policy', async () => {
    const core = await withAlice();
    await expectDomainError(
      core.logIn.execute({ email: 'alice@example.com', password: 'x' }),
      'BAD_CREDENTIALS',
      'email or password does not match',
    );
  });

  it('refuses a malformed email as a validation error', async () => {
    const core = await withAlice();
    await expectDomainError(
      core.logIn.execute({ email: 'alice', password: 'password1' }),
      'VALIDATION',
      'Input payload validation failed',
      { email: 'alice is not a valid email' },
    );
  });

  it('issues a different token on each login, even within one second', async () => {
    const core = await withAlice();
    const first = await core.logIn.execute({ email: 'alice@example.com', password: 'password1' });
    const second = await core.logIn.execute({ email: 'alice@example.com', password: 'password1' });
    expect(first.accessToken).to.not.equal(second.accessToken);
  });
});
