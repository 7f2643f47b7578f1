import { expect } from '../../support/chai.js';
import { buildCore, TEST_ORIGIN } from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

describe('SetAdmin', () => {
  it('grants and withdraws admin rights by email, in any case', async () => {
    const core = buildCore();
    await core.addUser.execute(
      { email: 'alice@example.com', password: 'password1', admin: false },
      TEST_ORIGIN,
    );
    await core.setAdmin.execute({ email: 'ALICE@example.com', admin: true });
    expect((await core.users.findByEmail('alice@example.com'))?.admin).to.equal(true);
    await core.setAdmin.execute({ email: 'alice@example.com', admin: false });
    expect((await core.users.findByEmail('alice@example.com'))?.admin).to.equal(false);
  });

  it('fails with NOT_FOUND for an unknown email', async () => {
    const core = buildCore();
    await expectDomainError(
      core.setAdmin.execute({ email: 'nobody@example.com', admin: true }),
      'NOT_FOUND',
      'nobody@example.com is not registered',
    );
  });
});
