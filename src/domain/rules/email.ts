export const EMAIL_MAX_LENGTH = 254;

// An ASCII mailbox: RFC 5322 dot-atom local part, and a domain of at least two DNS labels.
const LOCAL = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*";
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const MAILBOX = new RegExp(`^${LOCAL}@${LABEL}(?:\\.${LABEL})+$`, 'i');

/** Trimmed and lower-cased: the form in which emails are stored and compared. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** `null` when `raw` normalises to a valid mailbox, else the contract's message naming `raw`. */
export function emailProblem(raw: string): string | null {
  const email = normalizeEmail(raw);
  const local = email.slice(0, email.lastIndexOf('@'));
  const valid = email.length <= EMAIL_MAX_LENGTH && local.length <= 64 && MAILBOX.test(email);
  return valid ? null : `${raw} is not a valid email`;
}
