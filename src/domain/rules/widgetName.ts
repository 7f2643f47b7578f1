export const WIDGET_NAME_MAX_LENGTH = 100;

// Tested on the value as sent, case-insensitively but ASCII only: a Unicode character whose lower
// case is ASCII (the Kelvin sign U+212A lower-cases to "k") must not slip in as a letter.
const WIDGET_NAME = new RegExp(`^[a-z0-9_-]{1,${WIDGET_NAME_MAX_LENGTH}}$`, 'i');

/**
 * ASCII letters lower-cased: the form in which widget names are stored, compared and looked up.
 * Only ASCII, so no other character (the Kelvin sign, say) can ever find an ASCII name.
 */
export function normalizeWidgetName(raw: string): string {
  return raw.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** `null` when `raw` lower-cases to `^[a-z0-9_-]{1,100}$`; else the message (in lower case). */
export function widgetNameProblem(raw: string): string | null {
  if (WIDGET_NAME.test(raw)) return null;
  return (
    `'${normalizeWidgetName(raw)}' contains one or more invalid characters. Widget name must ` +
    'contain only lowercase letters, numbers, hyphen and underscore characters.'
  );
}

/**
 * The stored form of a name some widget could bear; null when none can. Lookups by a name a
 * client typed answer "not found" for null without asking the store (which might choke on it).
 */
export function widgetNameKey(raw: string): string | null {
  return widgetNameProblem(raw) === null ? normalizeWidgetName(raw) : null;
}
