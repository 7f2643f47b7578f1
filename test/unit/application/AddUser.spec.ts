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

  it('records register with the new user and the origin (nulls from the command line)', async () => {
    const core = buildCore();
    const cli = { requestId: null, clientAddress: null };
    const user = await core.addUser.execute(
      { email: 'root@example.com', password: 'password1', admin: true },
      cli,
    );
    expect(core.audit.entries).to.deep.equal([
      { event: 'register', publicId: user.publicId, origin: cli },
    ]);
  });

  it('records nothing when it adds nobody', async () => {
    const core = buildCore();
    await core.addUser.execute(
      { email: 'root@example.com', password: 'password1', admin: false },
      TEST_ORIGIN,
    );
    core.audit.entries.length = 0;
    for (const input of [
      { email: 'root@example.com', password: 'password1', admin: false },
      { email: 'other@example.com', password: 'short', admin: false },
    ]) {
      await core.addUser.execute(input, TEST_ORIGIN).catch(() => undefined);
    }
    expect(core.audit.entries).to.deep.equal([]);
  });
});
