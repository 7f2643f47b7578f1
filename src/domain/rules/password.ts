export const PASSWORD_MIN_CHARACTERS = 8;
/** bcrypt reads at most 72 bytes; longer passwords are refused, never silently truncated. */
export const PASSWORD_MAX_BYTES = 72;

export const PASSWORD_MESSAGE = `Password must be at least ${PASSWORD_MIN_CHARACTERS} characters and at most ${PASSWORD_MAX_BYTES} bytes`;

const utf8 = new TextEncoder();

/** The register-time password policy. Login never applies it, so a policy change locks nobody out. */
export function passwordProblem(password: string): string | null {
  const characters = [...password].length;
  const bytes = utf8.encode(password).length;
  return characters >= PASSWORD_MIN_CHARACTERS && bytes <= PASSWORD_MAX_BYTES
    ? null
    : PASSWORD_MESSAGE;
}
