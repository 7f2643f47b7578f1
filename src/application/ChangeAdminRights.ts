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
 * Grants or withdraws a user's admin rights, effective on that user's next request (rights are
 * re-read on each). The last administrator keeps them: the repository refuses atomically
 * (CONFLICT), so two administrators demoting each other cannot both succeed. A change is
 * audited; setting the flag a user already has changes nothing and records nothing.
 */
export class ChangeAdminRights {
  constructor(
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
  ) {}

  async execute(
    manager: Manager,
    target: UserReference,
    admin: boolean,
    origin: RequestOrigin,
  ): Promise<User> {
    const actorPublicId = authorizeManager(manager);
    const { publicId, notFound } = await resolveReference(this.users, target);
    const change = publicId === null ? null : await this.users.setAdmin(publicId, admin);
    if (change === null) throw notFound;
    if (change.changed) {
      this.audit.record({
        event: admin ? 'admin_granted' : 'admin_withdrawn',
        publicId: change.user.publicId,
        origin,
        ...(actorPublicId === undefined ? {} : { actorPublicId }),
      });
    }
    return change.user;
  }
}
