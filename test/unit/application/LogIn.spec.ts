import type { DomainError } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import { BAD_CREDENTIALS_MESSAGE } from '../../../src/application/LogIn.js';
import {
  buildCore,
  LOGIN_MAX_FAILURES,
  LOGIN_WINDOW_SECONDS,
  TEST_ORIGIN,
  type Core,
} from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

async function withAlice(): Promise<Core> {
  const core = buildCore();
  await core.addUser.execute(
    { email: 'alice@example.com', password: 'password1', admin: false },
    TEST_ORIGIN,
  );
  core.hasher.verifications = 0;
  return core;
}

describe('LogIn', () => {
  it('returns a token for the right password, with the email in any case', async () => {
    const core = await withAlice();
    const issued = await core.logIn.execute(
      { email: ' ALICE@example.com', password: 'password1' },
      TEST_ORIGIN,
    );
    const claims = core.tokens.claimsOf(issued.accessToken);
    const alice = await core.users.findByEmail('alice@example.com');
    expect(claims.subject).to.equal(alice?.publicId);
  });

  it('refuses a wrong password with one password verification', async () => {
    const core = await withAlice();
    await expectDomainError(
      core.logIn.execute({ email: 'alice@example.com', password: 'password2' }, TEST_ORIGIN),
      'BAD_CREDENTIALS',
      'email or password does not match',
    );
    expect(core.hasher.verifications).to.equal(1);
  });

  it('refuses an unknown email with the same message and the same single verification', async () => {
    const core = await withAlice();
    await expectDomainError(
      core.logIn.execute({ email: 'nobody@example.com', password: 'password1' }, TEST_ORIGIN),
      'BAD_CREDENTIALS',
      'email or password does not match',
    );
    expect(core.hasher.verifications).to.equal(1);
  });

  it('does not apply the register-time password policy', async () => {
    const core = await withAlice();
    await expectDomainError(
      core.logIn.execute({ email: 'alice@example.com', password: 'x' }, TEST_ORIGIN),
      'BAD_CREDENTIALS',
      'email or password does not match',
    );
  });

  it('refuses a malformed email as a validation error', async () => {
    const core = await withAlice();
    await expectDomainError(
      core.logIn.execute({ email: 'alice', password: 'password1' }, TEST_ORIGIN),
      'VALIDATION',
      'Input payload validation failed',
      { email: 'alice is not a valid email' },
    );
  });

  it('issues a different token on each login, even within one second', async () => {
    const core = await withAlice();
    const first = await core.logIn.execute(
      { email: 'alice@example.com', password: 'password1' },
      TEST_ORIGIN,
    );
    const second = await core.logIn.execute(
      { email: 'alice@example.com', password: 'password1' },
      TEST_ORIGIN,
    );
    expect(first.accessToken).to.not.equal(second.accessToken);
  });
});

describe('LogIn brute-force limit', () => {
  const wrong = { email: 'alice@example.com', password: 'wrong-password' };

  it('answers 429-class RATE_LIMITED after the maximum failures, until the window passes', async () => {
    const core = await withAlice();
    for (let i = 0; i < LOGIN_MAX_FAILURES; i += 1) {
      await expectDomainError(
        core.logIn.execute(wrong, TEST_ORIGIN),
        'BAD_CREDENTIALS',
        BAD_CREDENTIALS_MESSAGE,
      );
    }
    const limited = await expectDomainError(
      core.logIn.execute({ email: 'alice@example.com', password: 'password1' }, TEST_ORIGIN),
      'RATE_LIMITED',
      'Too many attempts. Try again later.',
    );
    expect(limited.details.retryAfterSeconds).to.equal(LOGIN_WINDOW_SECONDS);

    core.clock.advanceSeconds(LOGIN_WINDOW_SECONDS - 10);
    const later = await expectDomainError(
      core.logIn.execute(wrong, TEST_ORIGIN),
      'RATE_LIMITED',
      'Too many attempts. Try again later.',
    );
    expect(later.details.retryAfterSeconds).to.equal(10);

    core.clock.advanceSeconds(10);
    await core.logIn.execute({ email: 'alice@example.com', password: 'password1' }, TEST_ORIGIN);
  });

  it('counts failures for unknown emails alike, so the limit reveals nothing', async () => {
    const core = await withAlice();
    const unknown = { email: 'nobody@example.com', password: 'password1' };
    for (let i = 0; i < LOGIN_MAX_FAILURES; i += 1) {
      await expectDomainError(
        core.logIn.execute(unknown, TEST_ORIGIN),
        'BAD_CREDENTIALS',
        BAD_CREDENTIALS_MESSAGE,
      );
    }
    await expectDomainError(
      core.logIn.execute(unknown, TEST_ORIGIN),
      'RATE_LIMITED',
      'Too many attempts. Try again later.',
    );
  });

  it('forgets failures after a successful login', async () => {
    const core = await withAlice();
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i += 1) {
      await expectDomainError(
        core.logIn.execute(wrong, TEST_ORIGIN),
        'BAD_CREDENTIALS',
        BAD_CREDENTIALS_MESSAGE,
      );
    }
    await core.logIn.execute({ email: 'alice@example.com', password: 'password1' }, TEST_ORIGIN);
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i += 1) {
      await expectDomainError(
        core.logIn.execute(wrong, TEST_ORIGIN),
        'BAD_CREDENTIALS',
        BAD_CREDENTIALS_MESSAGE,
      );
    }
    await core.logIn.execute({ email: 'alice@example.com', password: 'password1' }, TEST_ORIGIN);
  });

  it('checks no more passwords than the limit under a burst of concurrent guesses', async () => {
    const core = await withAlice();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => core.logIn.execute(wrong, TEST_ORIGIN)),
    );
    const codes = results.map((r) =>
      r.status === 'rejected' ? (r.reason as DomainError).code : 'ok',
    );
    expect(codes.filter((code) => code === 'BAD_CREDENTIALS')).to.have.length(LOGIN_MAX_FAILURES);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).to.have.length(10 - LOGIN_MAX_FAILURES);
    expect(core.hasher.verifications).to.equal(LOGIN_MAX_FAILURES);
  });

  it('limits each account on its own', async () => {
    const core = await withAlice();
    await core.addUser.execute(
      { email: 'bob@example.com', password: 'password1', admin: false },
      TEST_ORIGIN,
    );
    for (let i = 0; i < LOGIN_MAX_FAILURES; i += 1) {
      await expectDomainError(
        core.logIn.execute(wrong, TEST_ORIGIN),
        'BAD_CREDENTIALS',
        BAD_CREDENTIALS_MESSAGE,
      );
    }
    await core.logIn.execute({ email: 'bob@example.com', password: 'password1' }, TEST_ORIGIN);
  });
});

describe('LogIn dummy hash', () => {
  it('does not remember a failure to make the dummy hash', async () => {
    const core = await withAlice();
    const hash = core.hasher.hash.bind(core.hasher);
    let calls = 0;
    core.hasher.hash = async (password: string) => {
      calls += 1;
      if (calls === 1) throw new Error('hasher unavailable');
      return hash(password);
    };
    const unknown = { email: 'nobody@example.com', password: 'password1' };
    await expect(core.logIn.execute(unknown, TEST_ORIGIN)).to.be.rejectedWith('hasher unavailable');
    await expectDomainError(
      core.logIn.execute(unknown, TEST_ORIGIN),
      'BAD_CREDENTIALS',
      BAD_CREDENTIALS_MESSAGE,
    );
  });
});

describe('LogIn rehashing', () => {
  it('moves a hash of another algorithm or cost to the current one on a successful login', async () => {
    const core = await withAlice();
    const alice = await core.users.findByEmail('alice@example.com');
    await core.users.upgradePasswordHash(alice!.publicId, alice!.passwordHash, 'legacy:password1');
    core.hasher.verify = async (password, hash) =>
      hash === 'legacy:password1' ? password === 'password1' : hash === `hashed:${password}`;

    await core.logIn.execute({ email: 'alice@example.com', password: 'password1' }, TEST_ORIGIN);
    expect((await core.users.findByEmail('alice@example.com'))?.passwordHash).to.equal(
      'hashed:password1',
    );
  });

  it('never rehashes on a failed login', async () => {
    const core = await withAlice();
    const alice = await core.users.findByEmail('alice@example.com');
    await core.users.upgradePasswordHash(alice!.publicId, alice!.passwordHash, 'legacy:password1');
    await expectDomainError(
      core.logIn.execute({ email: 'alice@example.com', password: 'password1' }, TEST_ORIGIN),
      'BAD_CREDENTIALS',
      BAD_CREDENTIALS_MESSAGE,
    );
    expect((await core.users.findByEmail('alice@example.com'))?.passwordHash).to.equal(
      'legacy:password1',
    );
  });

  it('never brings the old password back when a password change lands during the rehash', async () => {
    const core = await withAlice();
    const alice = await core.users.findByEmail('alice@example.com');
    await core.users.upgradePasswordHash(alice!.publicId, alice!.passwordHash, 'legacy:password1');
    core.hasher.verify = async (password, hash) =>
      hash === 'legacy:password1' ? password === 'password1' : hash === `hashed:${password}`;
    // The change commits after the login verified the old password, before its rehash is stored.
    const hash = core.hasher.hash.bind(core.hasher);
    core.hasher.hash = async (password) => {
      await core.users.changePassword(alice!.publicId, 'hashed:new-password');
      return hash(password);
    };
    const issued = await core.logIn.execute(
      { email: 'alice@example.com', password: 'password1' },
      TEST_ORIGIN,
    );
    expect((await core.users.findByEmail('alice@example.com'))?.passwordHash).to.equal(
      'hashed:new-password',
    );
    // And the token of that login is of the generation the change left behind.
    await expectDomainError(
      core.authenticate.execute(issued.accessToken),
      'TOKEN_REVOKED',
      'Token blacklisted. Please log in again.',
    );
  });
});

describe('LogIn audit', () => {
  it('records login_success with the user and the origin', async () => {
    const core = await withAlice();
    core.audit.entries.length = 0;
    await core.logIn.execute({ email: 'alice@example.com', password: 'password1' }, TEST_ORIGIN);
    const alice = await core.users.findByEmail('alice@example.com');
    expect(core.audit.entries).to.deep.equal([
      { event: 'login_success', publicId: alice?.publicId, origin: TEST_ORIGIN },
    ]);
  });

  it('records login_failure with the user for a wrong password, and null for an unknown email', async () => {
    const core = await withAlice();
    core.audit.entries.length = 0;
    const alice = await core.users.findByEmail('alice@example.com');
    for (const email of ['alice@example.com', 'nobody@example.com']) {
      await expectDomainError(
        core.logIn.execute({ email, password: 'wrong-one' }, TEST_ORIGIN),
        'BAD_CREDENTIALS',
        BAD_CREDENTIALS_MESSAGE,
      );
    }
    expect(core.audit.entries).to.deep.equal([
      { event: 'login_failure', publicId: alice?.publicId, origin: TEST_ORIGIN },
      { event: 'login_failure', publicId: null, origin: TEST_ORIGIN },
    ]);
  });

  it('records nothing for a refused form or a rate-limited attempt (no password was checked)', async () => {
    const core = await withAlice();
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
      await core.loginFailures.consume('alice@example.com');
    }
    core.audit.entries.length = 0;
    await expectDomainError(
      core.logIn.execute({ email: 'alice@example.com', password: 'password1' }, TEST_ORIGIN),
      'RATE_LIMITED',
      'Too many attempts. Try again later.',
    );
    await expectDomainError(
      core.logIn.execute({ email: 'not-an-email', password: 'password1' }, TEST_ORIGIN),
      'VALIDATION',
      'Input payload validation failed',
    );
    expect(core.audit.entries).to.deep.equal([]);
  });
});
