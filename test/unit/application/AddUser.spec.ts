import { expect } from '../../support/chai.js';
import { buildCore, TEST_ORIGIN } from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

describe('AddUser', () => {
  it('creates an admin when asked to', async () => {
    const core = buildCore();
    const user = await core.addUser.execute(
      {
        email: 'root@example.com',
        password: 'password1',
        admin: true,
      },
      TEST_ORIGIN,
    );
    expect(user.admin).to.equal(true);
    expect(await core.users.findByPublicId(user.publicId)).to.deep.equal(user);
  });

  it('refuses a duplicate with CONFLICT', async () => {
    const core = buildCore();
    await core.addUser.execute(
      { email: 'root@example.com', password: 'password1', admin: true },
      TEST_ORIGIN,
    );
    await expectDomainError(
      core.addUser.execute(
        { email: 'Root@Example.com', password: 'password1', admin: false },
        TEST_ORIGIN,
      ),
      'CONFLICT',
      'root@example.com is already registered',
    );
  });

  it('refuses an empty password', async () => {
    const core = buildCore();
    await expectDomainError(
      core.addUser.execute({ email: 'root@example.com', password: '', admin: false }, TEST_ORIGIN),
      'VALIDATION',
      'Input payload validation failed',
    );
  });
});
