import { randomUUID } from 'node:crypto';
import { DomainError, type User, type UserRepository } from '../../../src/domain/index.js';
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

/** The behaviour every UserRepository shares; `makeRepo` runs before each test on an empty store. */
export function userRepositoryContract(makeRepo: () => UserRepository): void {
  let repo: UserRepository;

  beforeEach(function () {
    repo = makeRepo();
  });

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

    expect(await repo.setAdmin(user.publicId, true)).to.equal(true);
    expect(await repo.findByPublicId(user.publicId)).to.deep.equal({ ...user, admin: true });

    expect(await repo.setAdmin(user.publicId, false)).to.equal(true);
    expect(await repo.findByEmail(user.email)).to.deep.equal({ ...user, admin: false });
  });

  it('changes the admin flag of that user only', async function () {
    const target = aUser({ email: 'target@example.com' });
    const bystander = aUser({ email: 'bystander@example.com' });
    await repo.add(target);
    await repo.add(bystander);
    await repo.setAdmin(target.publicId, true);
    expect(await repo.findByPublicId(bystander.publicId)).to.deep.equal(bystander);
  });

  it('reports false when setting the admin flag of an unknown user', async function () {
    expect(await repo.setAdmin(randomUUID(), true)).to.equal(false);
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
}
