import {
  emailTaken,
  lastAdministrator,
  stillOwnsWidgets,
  type AdminChange,
  type PageQuery,
  type Slice,
  type User,
  type UserRepository,
} from '../../../src/domain/index.js';

/**
 * Users in a map. Each method runs to completion without awaiting in between, so the rules the
 * port guards (last administrator, owned widgets) are as atomic here as in a database.
 */
export class InMemoryUserRepository implements UserRepository {
  private readonly byId = new Map<string, User>();

  /** `ownedWidgets` counts a user's widgets (the widget store's foreign key, in a database). */
  constructor(private readonly ownedWidgets: (publicId: string) => number = () => 0) {}

  async add(user: User): Promise<void> {
    if ([...this.byId.values()].some((u) => u.email.toLowerCase() === user.email.toLowerCase())) {
      throw emailTaken(user.email);
    }
    this.byId.set(user.publicId, copy(user));
  }

  async findByEmail(email: string): Promise<User | null> {
    const found = [...this.byId.values()].find((u) => u.email === email.toLowerCase());
    return found ? copy(found) : null;
  }

  async findByPublicId(publicId: string): Promise<User | null> {
    const found = this.byId.get(publicId);
    return found ? copy(found) : null;
  }

  async list({ offset, limit }: PageQuery): Promise<Slice<User>> {
    const ordered = [...this.byId.values()].sort(
      (a, b) =>
        a.registeredOn.getTime() - b.registeredOn.getTime() ||
        (a.publicId < b.publicId ? -1 : a.publicId > b.publicId ? 1 : 0),
    );
    return { items: ordered.slice(offset, offset + limit).map(copy), total: ordered.length };
  }

  async setAdmin(publicId: string, admin: boolean): Promise<AdminChange | null> {
    const found = this.byId.get(publicId);
    if (!found) return null;
    if (!admin && this.isLastAdministrator(found)) throw lastAdministrator();
    const user = { ...found, admin };
    this.byId.set(publicId, user);
    return { user: copy(user), changed: found.admin !== admin };
  }

  async remove(publicId: string): Promise<User | null> {
    const found = this.byId.get(publicId);
    if (!found) return null;
    if (this.isLastAdministrator(found)) throw lastAdministrator();
    const owned = this.ownedWidgets(publicId);
    if (owned > 0) throw stillOwnsWidgets(found.email, owned);
    this.byId.delete(publicId);
    return copy(found);
  }

  async upgradePasswordHash(publicId: string, current: string, next: string): Promise<boolean> {
    const found = this.byId.get(publicId);
    if (found?.passwordHash !== current) return false;
    this.byId.set(publicId, { ...found, passwordHash: next });
    return true;
  }

  async changePassword(publicId: string, passwordHash: string): Promise<number | null> {
    return this.advance(publicId, { passwordHash });
  }

  async advanceTokenGeneration(publicId: string): Promise<number | null> {
    return this.advance(publicId, {});
  }

  /** Synchronous between reading and writing, so as atomic as the database's UPDATE. */
  private advance(publicId: string, changes: Partial<User>): number | null {
    const found = this.byId.get(publicId);
    if (!found) return null;
    const tokenGeneration = found.tokenGeneration + 1;
    this.byId.set(publicId, { ...found, ...changes, tokenGeneration });
    return tokenGeneration;
  }

  /** Whether the user exists (what a widget's foreign key checks). */
  exists(publicId: string): boolean {
    return this.byId.has(publicId);
  }

  /** Test helper: simulates a user deleted from the database behind the service's back. */
  delete(publicId: string): void {
    this.byId.delete(publicId);
  }

  private isLastAdministrator(user: User): boolean {
    return user.admin && [...this.byId.values()].every((u) => !u.admin || u === user);
  }
}

function copy(user: User): User {
  return { ...user, registeredOn: new Date(user.registeredOn.getTime()) };
}
