import {
  assertValid,
  emailNotRegistered,
  emailProblem,
  normalizeEmail,
  normalizePublicId,
  userNotFound,
  type DomainError,
  type UserRepository,
} from '../domain/index.js';

/** How a manager names a user: HTTP by public id (the path), the command line by email. */
export type UserReference = { readonly publicId: string } | { readonly email: string };

export interface ResolvedReference {
  /** Null when the reference can name nobody. */
  readonly publicId: string | null;
  /** The NOT_FOUND for this reference, naming it as it was given. */
  readonly notFound: DomainError;
}

/**
 * The public id a reference names. A public id needs no lookup (the store's own operation says
 * whether it exists, in the same query); a value that is not a UUID names nobody, so it is not
 * looked up at all. An email must be well-formed (VALIDATION) and is looked up.
 */
export async function resolveReference(
  users: UserRepository,
  reference: UserReference,
): Promise<ResolvedReference> {
  if ('publicId' in reference) {
    return {
      publicId: normalizePublicId(reference.publicId),
      notFound: userNotFound(reference.publicId),
    };
  }
  assertValid({ email: emailProblem(reference.email) });
  const email = normalizeEmail(reference.email);
  const user = await users.findByEmail(email);
  return { publicId: user?.publicId ?? null, notFound: emailNotRegistered(email) };
}
