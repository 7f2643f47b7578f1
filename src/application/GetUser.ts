import {
  authorizeManager,
  normalizePublicId,
  userNotFound,
  type Manager,
  type User,
  type UserRepository,
} from '../domain/index.js';

/** One user by public id (in any case). A value that is not a UUID names nobody: NOT_FOUND. */
export class GetUser {
  constructor(private readonly users: UserRepository) {}

  async execute(manager: Manager, publicId: string): Promise<User> {
    authorizeManager(manager);
    const normalized = normalizePublicId(publicId);
    const user = normalized === null ? null : await this.users.findByPublicId(normalized);
    if (user === null) throw userNotFound(publicId);
    return user;
  }
}
