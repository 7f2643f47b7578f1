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

  it('replaces the password hash of that user only', async function () {
    const target = aUser({ email: 'target@example.com' });
    const bystander = aUser({ email: 'bystander@example.com' });
    await repo.add(target);
    await repo.add(bystander);
    await repo.setPasswordHash(target.publicId, '$argon2id$v=19$new');
    expect(await repo.findByPublicId(target.publicId)).to.deep.equal({
      ...target,
      passwordHash: '$argon2id$v=19$new',
    });
    expect(await repo.findByPublicId(bystander.publicId)).to.deep.equal(bystander);
  });
}
