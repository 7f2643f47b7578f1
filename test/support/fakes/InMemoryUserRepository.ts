import { emailTaken, type User, type UserRepository } from '../../../src/domain/index.js';

export class InMemoryUserRepository implements UserRepository {
  private readonly byId = new Map<string, User>();

  async add(user: User): Promise<void> {
    if ([...this.byId.values()].some((u) => u.email.toLowerCase() === user.email.toLowerCase())) {
      throw emailTaken(user.email);
    }
    this.byId.set(user.publicId, { ...user });
  }

  async findByEmail(email: string): Promise<User | null> {
    const found = [...this.byId.values()].find((u) => u.email === email.toLowerCase());
    return found ? { ...found } : null;
  }

  async findByPublicId(publicId: string): Promise<User | null> {
    const found = this.byId.get(publicId);
    return found ? { ...found } : null;
  }

  async setAdmin(publicId: string, admin: boolean): Promise<boolean> {
    const found = this.byId.get(publicId);
    if (!found) return false;
    this.byId.set(publicId, { ...found, admin });
    return true;
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

  /** Test helper: simulates a user deleted from the database behind the service's back. */
  delete(publicId: string): void {
    this.byId.delete(publicId);
  }
}
