import { randomUUID } from 'node:crypto';
import {
  DomainError,
  type User,
  type UserRepository,
  type Widget,
  type WidgetRepository,
} from '../../../src/domain/index.js';
import { expect } from '../chai.js';
import { expectDomainError } from '../expectDomainError.js';

export function aUser(overrides: Partial<User> = {}): User {
  return {
    publicId: randomUUID(),
    email: 'bob@example.com',
    passwordHash: '$2b$04$abcdefghijklmnopqrstuuO5Fx0qPb1U1H9q0s2u3w4y5A6C7E8G',
    admin: false,
    registeredOn: new Date('2026-03-01T12:34:56.789Z'),
    tokenGeneration: 0,
    ...overrides,
  };
}

function expectEmailTaken(attempt: Promise<unknown>, email: string): Promise<DomainError> {
  return expectDomainError(attempt, 'CONFLICT', `${email} is already registered`);
}

export interface UserRepositories {
  readonly users: UserRepository;
  /** Where widgets owned by the users are added (the rule on deleting owners). */
  readonly widgets: WidgetRepository;
}

const LAST_ADMIN = 'cannot remove the last administrator';
/** How often each race is run: the interleavings differ from run to run. */
const RACE_RUNS = 8;

function aWidgetOf(owner: User, name: string): Widget {
  return {
    name,
    infoUrl: 'https://www.example.com/info',
    deadline: new Date('2031-05-13T23:59:59.999Z'),
    createdAt: new Date('2026-03-01T12:00:00.000Z'),
    owner: { publicId: owner.publicId, email: owner.email },
  };
}

/** The outcome of a settled call: 'ok', or the DomainError's code and message. */
function outcome(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'ok';
  const reason: unknown = result.reason;
  if (reason instanceof DomainError) return `${reason.code}: ${reason.message}`;
  throw reason;
}

/**
 * The behaviour every UserRepository shares; `makeRepos` runs before each test on empty stores.
 */
export function userRepositoryContract(makeRepos: () => UserRepositories): void {
  let repo: UserRepository;
  let widgets: WidgetRepository;

  beforeEach(function () {
    ({ users: repo, widgets } = makeRepos());
  });

  async function added(overrides: Partial<User>): Promise<User> {
    const user = aUser(overrides);
    await repo.add(user);
    return user;
  }

  async function adminIds(): Promise<string[]> {
    const { items } = await repo.list({ offset: 0, limit: 100 });
    return items.filter((user) => user.admin).map((user) => user.publicId);
  }

  it('finds an added user by email with every field intact', async function () {
    const user = aUser({ admin: true });
    await repo.add(user);
    expect(await repo.findByEmail(user.email)).to.deep.equal(user);
  });

  it('finds an added user by public id with every field intact', async function () {
    const user = aUser();
    await repo.add(user);
    expect(await repo.findByPublicId(user.publicId)).to.deep.equal(user);
  });

  it('keeps the registration time to the millisecond', async function () {
    const user = aUser({ registeredOn: new Date('2031-12-31T23:59:59.999Z') });
    await repo.add(user);
    const found = await repo.findByPublicId(user.publicId);
    expect(found?.registeredOn).to.be.instanceOf(Date);
    expect(found?.registeredOn.getTime()).to.equal(user.registeredOn.getTime());
  });

  it('returns null for an email nobody registered', async function () {
    await repo.add(aUser({ email: 'bob@example.com' }));
    expect(await repo.findByEmail('alice@example.com')).to.equal(null);
  });

  it('returns null for an unknown public id', async function () {
    await repo.add(aUser());
    expect(await repo.findByPublicId(randomUUID())).to.equal(null);
  });

  it('refuses a second user with the same email as CONFLICT naming the email', async function () {
    await repo.add(aUser({ email: 'bob@example.com' }));
    await expectEmailTaken(repo.add(aUser({ email: 'bob@example.com' })), 'bob@example.com');
  });

  it('refuses an email that differs from a registered one only in case', async function () {
    await repo.add(aUser({ email: 'bob@example.com' }));
    await expectEmailTaken(repo.add(aUser({ email: 'Bob@Example.com' })), 'Bob@Example.com');
  });

  it('keeps the first user when a duplicate email is refused', async function () {
    const first = aUser({ email: 'bob@example.com' });
    const second = aUser({ email: 'bob@example.com', admin: true });
    await repo.add(first);
    await repo.add(second).catch(() => undefined);
    expect(await repo.findByEmail('bob@example.com')).to.deep.equal(first);
    expect(await repo.findByPublicId(second.publicId)).to.equal(null);
  });

  it('lets exactly one of 20 concurrent adds of one email succeed; the rest conflict', async function () {
    const attempts = Array.from({ length: 20 }, () =>
      repo.add(aUser({ email: 'race@example.com' })),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((result) => result.status === 'fulfilled')).to.have.length(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect(result.reason).to.be.instanceOf(DomainError).and.include({
          code: 'CONFLICT',
          message: 'race@example.com is already registered',
        });
      }
    }
    expect(await repo.findByEmail('race@example.com')).to.not.equal(null);
  });

  it('grants and revokes admin rights persistently', async function () {
    const user = aUser({ admin: false });
    await repo.add(user);

    expect(await repo.setAdmin(user.publicId, true)).to.deep.equal({
      user: { ...user, admin: true },
      changed: true,
    });
    expect(await repo.findByPublicId(user.publicId)).to.deep.equal({ ...user, admin: true });

    await repo.add(aUser({ email: 'other-admin@example.com', admin: true }));
    expect(await repo.setAdmin(user.publicId, false)).to.deep.equal({
      user: { ...user, admin: false },
      changed: true,
    });
    expect(await repo.findByEmail(user.email)).to.deep.equal({ ...user, admin: false });
  });

  it('reports no change when the user already has that flag', async function () {
    const admin = await added({ email: 'admin@example.com', admin: true });
    const user = await added({ email: 'user@example.com', admin: false });
    expect(await repo.setAdmin(admin.publicId, true)).to.deep.equal({
      user: admin,
      changed: false,
    });
    expect(await repo.setAdmin(user.publicId, false)).to.deep.equal({ user, changed: false });
  });

  it('changes the admin flag of that user only', async function () {
    const target = aUser({ email: 'target@example.com' });
    const bystander = aUser({ email: 'bystander@example.com' });
    await repo.add(target);
    await repo.add(bystander);
    await repo.setAdmin(target.publicId, true);
    expect(await repo.findByPublicId(bystander.publicId)).to.deep.equal(bystander);
  });

  it('reports null when setting the admin flag of an unknown user', async function () {
    expect(await repo.setAdmin(randomUUID(), true)).to.equal(null);
    expect(await repo.setAdmin(randomUUID(), false)).to.equal(null);
  });

  it('upgrades the password hash of that user only, while it is still the expected one', async function () {
    const target = aUser({ email: 'target@example.com' });
    const bystander = aUser({ email: 'bystander@example.com' });
    await repo.add(target);
    await repo.add(bystander);
    expect(
      await repo.upgradePasswordHash(target.publicId, target.passwordHash, '$argon2id$v=19$new'),
    ).to.equal(true);
    expect(await repo.findByPublicId(target.publicId)).to.deep.equal({
      ...target,
      passwordHash: '$argon2id$v=19$new',
    });
    expect(await repo.findByPublicId(bystander.publicId)).to.deep.equal(bystander);
  });

  it('leaves a password hash that changed meanwhile alone on upgrade, and says so', async function () {
    const user = aUser();
    await repo.add(user);
    await repo.changePassword(user.publicId, '$2b$04$changed');
    expect(
      await repo.upgradePasswordHash(user.publicId, user.passwordHash, '$argon2id$v=19$stale'),
    ).to.equal(false);
    expect((await repo.findByPublicId(user.publicId))?.passwordHash).to.equal('$2b$04$changed');
    expect(await repo.upgradePasswordHash(randomUUID(), 'x', 'y')).to.equal(false);
  });

  it('starts a user at the token generation it was added with, and keeps it', async function () {
    const fresh = aUser({ email: 'fresh@example.com' });
    const carried = aUser({ email: 'carried@example.com', tokenGeneration: 41 });
    await repo.add(fresh);
    await repo.add(carried);
    expect((await repo.findByPublicId(fresh.publicId))?.tokenGeneration).to.equal(0);
    expect((await repo.findByEmail(carried.email))?.tokenGeneration).to.equal(41);
  });

  it('advances the token generation of that user only, returning the new value', async function () {
    const target = aUser({ email: 'target@example.com' });
    const bystander = aUser({ email: 'bystander@example.com' });
    await repo.add(target);
    await repo.add(bystander);
    expect(await repo.advanceTokenGeneration(target.publicId)).to.equal(1);
    expect(await repo.advanceTokenGeneration(target.publicId)).to.equal(2);
    expect(await repo.findByPublicId(target.publicId)).to.deep.equal({
      ...target,
      tokenGeneration: 2,
    });
    expect(await repo.findByPublicId(bystander.publicId)).to.deep.equal(bystander);
  });

  it('changes the password and advances the generation together, for that user only', async function () {
    const target = aUser({ email: 'target@example.com', tokenGeneration: 4 });
    const bystander = aUser({ email: 'bystander@example.com' });
    await repo.add(target);
    await repo.add(bystander);
    expect(await repo.changePassword(target.publicId, '$2b$04$new')).to.equal(5);
    expect(await repo.findByEmail(target.email)).to.deep.equal({
      ...target,
      passwordHash: '$2b$04$new',
      tokenGeneration: 5,
    });
    expect(await repo.findByPublicId(bystander.publicId)).to.deep.equal(bystander);
  });

  it('answers null when advancing the generation or changing the password of an unknown user', async function () {
    await repo.add(aUser());
    expect(await repo.advanceTokenGeneration(randomUUID())).to.equal(null);
    expect(await repo.changePassword(randomUUID(), '$2b$04$new')).to.equal(null);
  });

  it('loses no advance among 20 concurrent ones: each returns a different generation', async function () {
    const user = aUser();
    await repo.add(user);
    const generations = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? repo.advanceTokenGeneration(user.publicId)
          : repo.changePassword(user.publicId, `$2b$04$hash-${i}`),
      ),
    );
    expect([...generations].sort((a, b) => Number(a) - Number(b))).to.deep.equal(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect((await repo.findByPublicId(user.publicId))?.tokenGeneration).to.equal(20);
  });

  it('refuses to withdraw the rights of the last administrator, who stays one', async function () {
    const admin = await added({ email: 'admin@example.com', admin: true });
    await added({ email: 'user@example.com', admin: false });
    await expectDomainError(repo.setAdmin(admin.publicId, false), 'CONFLICT', LAST_ADMIN);
    expect(await repo.findByPublicId(admin.publicId)).to.deep.equal(admin);
  });

  it('lets an administrator be demoted while another one remains', async function () {
    const first = await added({ email: 'first@example.com', admin: true });
    const second = await added({ email: 'second@example.com', admin: true });
    expect((await repo.setAdmin(first.publicId, false))?.changed).to.equal(true);
    expect(await adminIds()).to.deep.equal([second.publicId]);
    await expectDomainError(repo.setAdmin(second.publicId, false), 'CONFLICT', LAST_ADMIN);
  });

  it('lists users oldest registration first, ties by public id, a page at a time', async function () {
    const at = (ms: number) => new Date(Date.UTC(2026, 2, 1) + ms);
    const users = [
      aUser({ email: 'c@example.com', registeredOn: at(3000), publicId: randomUUID() }),
      aUser({
        email: 'a@example.com',
        registeredOn: at(1000),
        publicId: `b${randomUUID().slice(1)}`,
      }),
      aUser({
        email: 'b@example.com',
        registeredOn: at(1000),
        publicId: `a${randomUUID().slice(1)}`,
      }),
      aUser({ email: 'd@example.com', registeredOn: at(2000), publicId: randomUUID() }),
    ];
    for (const user of users) await repo.add(user);
    const expected = [users[2], users[1], users[3], users[0]];

    expect(await repo.list({ offset: 0, limit: 10 })).to.deep.equal({ items: expected, total: 4 });
    expect(await repo.list({ offset: 1, limit: 2 })).to.deep.equal({
      items: expected.slice(1, 3),
      total: 4,
    });
    expect(await repo.list({ offset: 4, limit: 2 })).to.deep.equal({ items: [], total: 4 });
  });

  it('lists nothing, and a total of 0, in an empty store', async function () {
    expect(await repo.list({ offset: 0, limit: 10 })).to.deep.equal({ items: [], total: 0 });
  });

  it('removes a user, returning them; the email can then be registered again', async function () {
    const user = await added({ email: 'leaving@example.com' });
    const bystander = await added({ email: 'staying@example.com' });
    expect(await repo.remove(user.publicId)).to.deep.equal(user);
    expect(await repo.findByPublicId(user.publicId)).to.equal(null);
    expect(await repo.findByEmail(user.email)).to.equal(null);
    expect(await repo.findByPublicId(bystander.publicId)).to.deep.equal(bystander);
    expect(await repo.remove(user.publicId)).to.equal(null);
    await repo.add(aUser({ email: 'leaving@example.com' }));
  });

  it('reports null when removing an unknown user', async function () {
    expect(await repo.remove(randomUUID())).to.equal(null);
  });

  it('refuses to remove the last administrator, and removes one while another remains', async function () {
    const first = await added({ email: 'first@example.com', admin: true });
    await expectDomainError(repo.remove(first.publicId), 'CONFLICT', LAST_ADMIN);
    expect(await repo.findByPublicId(first.publicId)).to.deep.equal(first);

    const second = await added({ email: 'second@example.com', admin: true });
    expect(await repo.remove(first.publicId)).to.deep.equal(first);
    expect(await adminIds()).to.deep.equal([second.publicId]);
  });

  it('refuses to remove an owner of widgets, naming how many, and keeps user and widgets', async function () {
    const owner = await added({ email: 'owner@example.com' });
    await widgets.add(aWidgetOf(owner, 'one'));
    await widgets.add(aWidgetOf(owner, 'two'));
    await expectDomainError(
      repo.remove(owner.publicId),
      'CONFLICT',
      'owner@example.com still owns 2 widget(s)',
    );
    expect(await repo.findByPublicId(owner.publicId)).to.deep.equal(owner);
    expect((await widgets.list({ offset: 0, limit: 10 })).total).to.equal(2);

    await widgets.remove('one');
    await widgets.remove('two');
    expect(await repo.remove(owner.publicId)).to.deep.equal(owner);
  });

  /**
   * Runs `race` RACE_RUNS times, each time between two fresh administrators who are then the only
   * ones (the survivor of the previous run is demoted first); returns the outcomes of each run.
   */
  async function raceOfLastTwoAdmins(
    race: (a: User, b: User) => Array<Promise<unknown>>,
  ): Promise<void> {
    let survivor: string | undefined;
    for (let run = 0; run < RACE_RUNS; run++) {
      const a = await added({ email: `a${run}@example.com`, admin: true });
      const b = await added({ email: `b${run}@example.com`, admin: true });
      if (survivor !== undefined) await repo.setAdmin(survivor, false);
      expect(await adminIds()).to.have.members([a.publicId, b.publicId]);

      const results = await Promise.allSettled(race(a, b));

      expect(results.map(outcome).sort(), `run ${run}`).to.deep.equal([
        `CONFLICT: ${LAST_ADMIN}`,
        'ok',
      ]);
      const left = await adminIds();
      expect(left, `run ${run}`).to.have.length(1);
      expect([a.publicId, b.publicId]).to.include(left[0]);
      survivor = left[0];
    }
  }

  it('of the last two administrators demoting each other at once, exactly one succeeds', async function () {
    await raceOfLastTwoAdmins((a, b) => [
      repo.setAdmin(b.publicId, false),
      repo.setAdmin(a.publicId, false),
    ]);
  });

  it('of the last two administrators deleting each other at once, exactly one succeeds', async function () {
    await raceOfLastTwoAdmins((a, b) => [repo.remove(b.publicId), repo.remove(a.publicId)]);
  });

  it('of the last two administrators, one demoting while the other deletes, exactly one succeeds', async function () {
    await raceOfLastTwoAdmins((a, b) => [
      repo.setAdmin(b.publicId, false),
      repo.remove(a.publicId),
    ]);
  });

  it('a removal racing a widget of the owner: removed and the widget refused, or refused and the widget kept', async function () {
    for (let run = 0; run < RACE_RUNS; run++) {
      const owner = await added({ email: `owner${run}@example.com` });
      const name = `widget-${run}`;

      const [removal, creation] = (
        await Promise.allSettled([repo.remove(owner.publicId), widgets.add(aWidgetOf(owner, name))])
      ).map(outcome);

      if (removal === 'ok') {
        expect(creation, `run ${run}`).to.equal(
          'TOKEN_INVALID: Invalid token. Please log in again.',
        );
        expect(await repo.findByPublicId(owner.publicId)).to.equal(null);
        expect(await widgets.findByName(name)).to.equal(null);
      } else {
        expect(removal, `run ${run}`).to.equal(`CONFLICT: ${owner.email} still owns 1 widget(s)`);
        expect(creation, `run ${run}`).to.equal('ok');
        expect(await repo.findByPublicId(owner.publicId)).to.deep.equal(owner);
        expect((await widgets.findByName(name))?.owner.publicId).to.equal(owner.publicId);
      }
    }
  });
}
