import { PASSWORD_MESSAGE } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import { buildCore, TOKEN_TTL_SECONDS, TEST_ORIGIN } from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

describe('RegisterUser', () => {
  it('creates a non-admin user with a normalised email and returns a token for it', async () => {
    const core = buildCore();
    const issued = await core.registerUser.execute(
      {
        email: '  Alice@Example.COM ',
        password: 'correct horse',
      },
      TEST_ORIGIN,
    );

    const user = await core.users.findByEmail('alice@example.com');
    expect(user).to.deep.include({
      email: 'alice@example.com',
      admin: false,
      passwordHash: 'hashed:correct horse',
      registeredOn: core.clock.now(),
    });
    expect(issued.expiresIn).to.equal(TOKEN_TTL_SECONDS);
    expect(core.tokens.claimsOf(issued.accessToken)).to.deep.include({
      subject: user?.publicId,
      admin: false,
    });
  });

  it('reports every invalid field at once', async () => {
    const core = buildCore();
    await expectDomainError(
      core.registerUser.execute({ email: 'not-an-email', password: 'short' }, TEST_ORIGIN),
      'VALIDATION',
      'Input payload validation failed',
      { email: 'not-an-email is not a valid email', password: PASSWORD_MESSAGE },
    );
  });

  it('refuses an email registered already, whatever its case, naming the normalised address', async () => {
    const core = buildCore();
    await core.registerUser.execute(
      { email: 'bob@example.com', password: 'password1' },
      TEST_ORIGIN,
    );
    await expectDomainError(
      core.registerUser.execute({ email: 'BOB@example.com', password: 'password2' }, TEST_ORIGIN),
      'CONFLICT',
      'bob@example.com is already registered',
    );
  });

  it('refuses a password over 72 bytes instead of truncating it', async () => {
    const core = buildCore();
    await expectDomainError(
      core.registerUser.execute({ email: 'c@example.com', password: 'é'.repeat(37) }, TEST_ORIGIN),
      'VALIDATION',
      'Input payload validation failed',
      { password: PASSWORD_MESSAGE },
    );
    expect(await core.users.findByEmail('c@example.com')).to.equal(null);
  });

  it('gives two registrations in the same second distinct token ids', async () => {
    const core = buildCore();
    const a = await core.registerUser.execute(
      { email: 'a@example.com', password: 'password1' },
      TEST_ORIGIN,
    );
    const b = await core.registerUser.execute(
      { email: 'b@example.com', password: 'password1' },
      TEST_ORIGIN,
    );
    expect(core.tokens.claimsOf(a.accessToken).tokenId).to.not.equal(
      core.tokens.claimsOf(b.accessToken).tokenId,
    );
  });

  it('records register with the new user and the request origin', async () => {
    const core = buildCore();
    await core.registerUser.execute(
      { email: 'alice@example.com', password: 'correct horse' },
      TEST_ORIGIN,
    );
    const user = await core.users.findByEmail('alice@example.com');
    expect(core.audit.entries).to.deep.equal([
      { event: 'register', publicId: user?.publicId, origin: TEST_ORIGIN },
    ]);
  });
});
