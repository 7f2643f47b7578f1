import { ConfirmPassword } from '../../../src/application/ConfirmPassword.js';
import type { User } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import {
  buildCore,
  LOGIN_MAX_FAILURES,
  LOGIN_WINDOW_SECONDS,
  TEST_ORIGIN,
} from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';
import { InMemoryAttemptLimiter } from '../../support/fakes/InMemoryAttemptLimiter.js';

async function aliceWithConfirm() {
  const core = buildCore();
  await core.addUser.execute(
    { email: 'alice@example.com', password: 'password1', admin: false },
    TEST_ORIGIN,
  );
  const alice = (await core.users.findByEmail('alice@example.com')) as User;
  const failures = new InMemoryAttemptLimiter(core.clock, LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECONDS);
  core.hasher.verifications = 0;
  return { core, alice, failures, confirm: new ConfirmPassword(core.hasher, failures) };
}

describe('ConfirmPassword', () => {
  it('accepts the right password with one verification', async () => {
    const { core, alice, confirm } = await aliceWithConfirm();
    await confirm.execute(alice, 'password1');
    expect(core.hasher.verifications).to.equal(1);
  });

  it('refuses a wrong password with "password does not match" and one verification', async () => {
    const { core, alice, confirm } = await aliceWithConfirm();
    await expectDomainError(
      confirm.execute(alice, 'password2'),
      'BAD_CREDENTIALS',
      'password does not match',
    );
    expect(core.hasher.verifications).to.equal(1);
  });

  it('counts misses against the per-account limit and refuses once it is reached', async () => {
    const { core, alice, confirm } = await aliceWithConfirm();
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
      await expectDomainError(
        confirm.execute(alice, 'wrong-one'),
        'BAD_CREDENTIALS',
        'password does not match',
      );
    }
    await expectDomainError(
      confirm.execute(alice, 'password1'),
      'RATE_LIMITED',
      'Too many attempts. Try again later.',
    );
    expect(core.hasher.verifications).to.equal(LOGIN_MAX_FAILURES);
  });

  it('shares the count with logins for the same email', async () => {
    const { alice, failures, confirm } = await aliceWithConfirm();
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) await failures.consume('alice@example.com');
    await expectDomainError(
      confirm.execute(alice, 'password1'),
      'RATE_LIMITED',
      'Too many attempts. Try again later.',
    );
  });

  it('clears the count after a match', async () => {
    const { alice, confirm } = await aliceWithConfirm();
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) {
      await expectDomainError(
        confirm.execute(alice, 'wrong-one'),
        'BAD_CREDENTIALS',
        'password does not match',
      );
    }
    await confirm.execute(alice, 'password1');
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) {
      await expectDomainError(
        confirm.execute(alice, 'wrong-one'),
        'BAD_CREDENTIALS',
        'password does not match',
      );
    }
    await confirm.execute(alice, 'password1');
  });
});
