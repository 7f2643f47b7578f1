import { OPERATOR, type Actor, type RequestOrigin } from '../../../src/domain/index.js';
import { expect } from '../../support/chai.js';
import { buildCoreWithActors, LOGIN_MAX_FAILURES, NO_ORIGIN } from '../../support/core.js';
import { expectDomainError } from '../../support/expectDomainError.js';

const ORIGIN: RequestOrigin = { requestId: 'req-1', clientAddress: '203.0.113.7' };
const LAST_ADMIN = 'cannot remove the last administrator';
const WIDGET = { name: 'gadget', infoUrl: 'https://www.example.com', deadline: '2099-01-01' };

describe('DeleteOwnAccount', () => {
  it('deletes the account after the password, audits it, and its token then names nobody', async () => {
    const { core, user } = await buildCoreWithActors();
    core.hasher.verifications = 0;
    await core.deleteOwnAccount.execute(user, 'password1', ORIGIN);
    expect(core.hasher.verifications).to.equal(1);
    expect(await core.users.findByPublicId(user.user.publicId)).to.equal(null);
    expect(core.audit.entries).to.deep.equal([
      { event: 'account_deleted', publicId: user.user.publicId, origin: ORIGIN },
    ]);
    await core.addUser.execute(
      { email: 'user@example.com', password: 'password2', admin: false },
      NO_ORIGIN,
    );
  });

  it('refuses a wrong password (counted like a failed login) and deletes nothing', async () => {
    const { core, user } = await buildCoreWithActors();
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
      await expectDomainError(
        core.deleteOwnAccount.execute(user, 'wrong-one', ORIGIN),
        'BAD_CREDENTIALS',
        'password does not match',
      );
    }
    await expectDomainError(
      core.deleteOwnAccount.execute(user, 'password1', ORIGIN),
      'RATE_LIMITED',
      'Too many attempts. Try again later.',
    );
    expect(await core.users.findByPublicId(user.user.publicId)).to.deep.equal(user.user);
    expect(core.audit.entries).to.deep.equal([]);
  });

  it('refuses while the account owns widgets, naming how many, and deletes nothing', async () => {
    const { core, admin } = await buildCoreWithActors();
    await core.addUser.execute(
      { email: 'other@example.com', password: 'password1', admin: true },
      NO_ORIGIN,
    );
    await core.createWidget.execute(admin, WIDGET);
    await expectDomainError(
      core.deleteOwnAccount.execute(admin, 'password1', ORIGIN),
      'CONFLICT',
      'admin@example.com still owns 1 widget(s)',
    );
    expect(await core.users.findByPublicId(admin.user.publicId)).to.deep.equal(admin.user);
  });

  it('refuses the last administrator', async () => {
    const { core, admin } = await buildCoreWithActors();
    await expectDomainError(
      core.deleteOwnAccount.execute(admin, 'password1', ORIGIN),
      'CONFLICT',
      LAST_ADMIN,
    );
  });

  it('answers as to a deleted user when the account went meanwhile', async () => {
    const { core, user } = await buildCoreWithActors();
    core.users.delete(user.user.publicId);
    await expectDomainError(
      core.deleteOwnAccount.execute(user, 'password1', ORIGIN),
      'TOKEN_INVALID',
      'Invalid token. Please log in again.',
    );
  });
});

describe('ListUsers and GetUser', () => {
  it('lists users oldest first, a page at a time, to administrators and the operator', async () => {
    const { core, admin } = await buildCoreWithActors();
    core.clock.advanceSeconds(1);
    await core.addUser.execute(
      { email: 'carol@example.com', password: 'password1', admin: false },
      NO_ORIGIN,
    );
    const listing = await core.listUsers.execute(admin, { page: 2, perPage: 5 });
    expect(listing).to.deep.equal({
      items: [],
      total: 3,
      page: 2,
      perPage: 5,
      totalPages: 1,
      hasPrev: true,
      hasNext: false,
      links: { self: 2, first: 1, prev: 1, next: null, last: 1 },
    });
    const first = await core.listUsers.execute(OPERATOR, { page: 1, perPage: 5 });
    expect(first.items.map((u) => u.email)).to.deep.equal([
      'admin@example.com',
      'user@example.com',
      'carol@example.com',
    ]);
  });

  it('refuses a non-administrator and invalid paging', async () => {
    const { core, user, admin } = await buildCoreWithActors();
    await expectDomainError(
      core.listUsers.execute(user, { page: 1, perPage: 10 }),
      'FORBIDDEN',
      'You are not an administrator',
    );
    await expectDomainError(
      core.listUsers.execute(admin, { page: 0, perPage: 7 }),
      'VALIDATION',
      'Input payload validation failed',
    );
  });

  it('gets a user by public id in any case; NOT_FOUND for an unknown id or a non-UUID', async () => {
    const { core, admin, user } = await buildCoreWithActors();
    const id = user.user.publicId;
    expect(await core.getUser.execute(admin, id.toUpperCase())).to.deep.equal(user.user);
    const unknown = '00000000-0000-4000-8000-0000000000ff';
    await expectDomainError(
      core.getUser.execute(admin, unknown),
      'NOT_FOUND',
      `${unknown} not found in database.`,
    );
    await expectDomainError(
      core.getUser.execute(admin, 'not-a-uuid'),
      'NOT_FOUND',
      'not-a-uuid not found in database.',
    );
    await expectDomainError(
      core.getUser.execute(user, id),
      'FORBIDDEN',
      'You are not an administrator',
    );
  });
});

describe('ChangeAdminRights', () => {
  it('grants and withdraws, auditing each change with the acting administrator', async () => {
    const { core, admin, user } = await buildCoreWithActors();
    const target = { publicId: user.user.publicId };
    const granted = await core.changeAdminRights.execute(admin, target, true, ORIGIN);
    expect(granted).to.deep.equal({ ...user.user, admin: true });
    await core.changeAdminRights.execute(admin, target, true, ORIGIN); // no change, no entry
    await core.changeAdminRights.execute(admin, target, false, ORIGIN);
    const entry = {
      publicId: user.user.publicId,
      origin: ORIGIN,
      actorPublicId: admin.user.publicId,
    };
    expect(core.audit.entries).to.deep.equal([
      { event: 'admin_granted', ...entry },
      { event: 'admin_withdrawn', ...entry },
    ]);
  });

  it('lets an administrator demote themselves, but not the last one', async () => {
    const { core, admin, user } = await buildCoreWithActors();
    const self = { publicId: admin.user.publicId };
    await expectDomainError(
      core.changeAdminRights.execute(admin, self, false, ORIGIN),
      'CONFLICT',
      LAST_ADMIN,
    );
    await core.changeAdminRights.execute(admin, { publicId: user.user.publicId }, true, ORIGIN);
    const demoted = await core.changeAdminRights.execute(admin, self, false, ORIGIN);
    expect(demoted.admin).to.equal(false);
  });

  it('by email for the operator: audited without an actor; NOT_FOUND names the email', async () => {
    const { core, user } = await buildCoreWithActors();
    await core.changeAdminRights.execute(OPERATOR, { email: 'USER@example.com' }, true, NO_ORIGIN);
    expect(core.audit.entries).to.deep.equal([
      { event: 'admin_granted', publicId: user.user.publicId, origin: NO_ORIGIN },
    ]);
    await expectDomainError(
      core.changeAdminRights.execute(OPERATOR, { email: 'nobody@example.com' }, true, NO_ORIGIN),
      'NOT_FOUND',
      'nobody@example.com is not registered',
    );
  });

  it('refuses a non-administrator; NOT_FOUND for an unknown public id', async () => {
    const { core, admin, user } = await buildCoreWithActors();
    await expectDomainError(
      core.changeAdminRights.execute(user, { publicId: admin.user.publicId }, false, ORIGIN),
      'FORBIDDEN',
      'You are not an administrator',
    );
    await expectDomainError(
      core.changeAdminRights.execute(admin, { publicId: 'nobody' }, true, ORIGIN),
      'NOT_FOUND',
      'nobody not found in database.',
    );
    expect(core.audit.entries).to.deep.equal([]);
  });
});

describe('DeleteUser', () => {
  it('deletes a user, audits it with the acting administrator, and their token names nobody', async () => {
    const { core, admin, user } = await buildCoreWithActors();
    expect((await core.authenticate.execute(tokenOf(user))).user).to.deep.equal(user.user);
    const removed = await core.deleteUser.execute(admin, { publicId: user.user.publicId }, ORIGIN);
    expect(removed).to.deep.equal(user.user);
    expect(core.audit.entries).to.deep.equal([
      {
        event: 'account_deleted',
        publicId: user.user.publicId,
        origin: ORIGIN,
        actorPublicId: admin.user.publicId,
      },
    ]);
    await expectDomainError(
      core.authenticate.execute(tokenOf(user)),
      'TOKEN_INVALID',
      'Invalid token. Please log in again.',
    );
  });

  it('refuses the last administrator, an owner of widgets, and an unknown user', async () => {
    const { core, admin } = await buildCoreWithActors();
    await expectDomainError(
      core.deleteUser.execute(admin, { publicId: admin.user.publicId }, ORIGIN),
      'CONFLICT',
      LAST_ADMIN,
    );
    await core.addUser.execute(
      { email: 'second@example.com', password: 'password1', admin: true },
      NO_ORIGIN,
    );
    await core.createWidget.execute(admin, WIDGET);
    await expectDomainError(
      core.deleteUser.execute(OPERATOR, { email: 'admin@example.com' }, NO_ORIGIN),
      'CONFLICT',
      'admin@example.com still owns 1 widget(s)',
    );
    await core.deleteWidget.execute(admin, 'gadget');
    await core.deleteUser.execute(admin, { publicId: admin.user.publicId }, ORIGIN);
    await expectDomainError(
      core.deleteUser.execute(OPERATOR, { email: 'admin@example.com' }, NO_ORIGIN),
      'NOT_FOUND',
      'admin@example.com is not registered',
    );
    // The other administrator's registration, then the one deletion: no refusal is audited.
    expect(core.audit.entries.map((e) => e.event)).to.deep.equal(['register', 'account_deleted']);
  });

  it('refuses a widget created by an administrator deleted after authenticating', async () => {
    const { core, admin } = await buildCoreWithActors();
    await core.addUser.execute(
      { email: 'second@example.com', password: 'password1', admin: true },
      NO_ORIGIN,
    );
    await core.deleteUser.execute(OPERATOR, { email: 'admin@example.com' }, NO_ORIGIN);
    await expectDomainError(
      core.createWidget.execute(admin, WIDGET),
      'TOKEN_INVALID',
      'Invalid token. Please log in again.',
    );
    expect(await core.widgets.findByName('gadget')).to.equal(null);
  });
});

/** The token an actor authenticated with, as the fake token service issued it. */
function tokenOf(actor: Actor): string {
  return `token-${actor.token.tokenId}`;
}
