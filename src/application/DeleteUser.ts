import {
  authorizeManager,
  type AuditLog,
  type Manager,
  type RequestOrigin,
  type User,
  type UserRepository,
} from '../domain/index.js';
import { resolveReference, type UserReference } from './userReference.js';

/**
 * Deletes another user's account (an administrator may delete their own, too). Its tokens are
 * refused from then on (`Invalid token…`: each request looks the user up) and its email can
 * register again. The repository refuses atomically (CONFLICT) the last administrator and an
 * owner of widgets, deleting nothing.
 */
export class DeleteUser {
  constructor(
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
  ) {}

  async execute(manager: Manager, target: UserReference, origin: RequestOrigin): Promise<User> {
    const actorPublicId = authorizeManager(manager);
    const { publicId, notFound } = await resolveReference(this.users, target);
    const removed = publicId === null ? null : await this.users.remove(publicId);
    if (removed === null) throw notFound;
    this.audit.record({
      event: 'account_deleted',
      publicId: removed.publicId,
      origin,
      ...(actorPublicId === undefined ? {} : { actorPublicId }),
    });
    return removed;
  }
}
