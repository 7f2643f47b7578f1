/** A date without time or zone; `month` and `day` count from 1. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export const DEADLINE_FORMATS =
  'Use YYYY-MM-DD (or YYYY-M-D), MM/DD/YYYY (or M/D/YYYY), MM/DD/YY, Mon DD YYYY (or the full ' +
  'month name) or an ISO 8601 date-time such as 2018-05-13T09:30:00Z (its date in UTC counts; ' +
  'without an offset it is read as UTC). For example, all of the strings below are valid ways ' +
  "to represent the same date: '2018-5-13' -or- '05/13/2018' -or- '05/13/18' -or- 'May 13 2018'.";

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;

const YEAR_MONTH_DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const MONTH_DAY_YEAR = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})$/;
const MONTH_NAME_DAY_YEAR = /^([a-z]+)\s+(\d{1,2}),?\s+(\d{4})$/i;
// Date, 'T' (or a space, as RFC 3339 allows), hh:mm, optional :ss and fraction, optional zone.
const DATE_TIME = new RegExp(
  '^(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,]\\d+)?)?' +
    '(Z|([+-])(\\d{2})(?::?(\\d{2}))?)?$',
  'i',
);

/**
 * The calendar date named by `raw` (trimmed) in one of the accepted formats, or `null`. Nothing is
 * guessed beyond them, and impossible dates (Feb 30, month 13, year 0) are refused. A two-digit
 * year follows POSIX `%y`: 00–68 → 20YY, 69–99 → 19YY. A date-time counts by its date in UTC.
 */
export function parseDeadline(raw: string): CalendarDate | null {
  const value = raw.trim();
  let match: RegExpExecArray | null;
  if ((match = YEAR_MONTH_DAY.exec(value))) {
    return calendarDate(num(match[1]), num(match[2]), num(match[3]));
  }
  if ((match = MONTH_DAY_YEAR.exec(value))) {
    const year = match[3] ?? '';
    const fullYear = year.length === 4 ? num(year) : twoDigitYear(num(year));
    return calendarDate(fullYear, num(match[1]), num(match[2]));
  }
  if ((match = MONTH_NAME_DAY_YEAR.exec(value))) {
    return calendarDate(num(match[3]), monthNumber(match[1] ?? ''), num(match[2]));
  }
  if ((match = DATE_TIME.exec(value))) return dateTimeUtcDate(match);
  return null;
}

/** `null` when `raw` parses to `today`'s UTC date or later, else the contract's message. */
export function deadlineProblem(raw: string, today: Date): string | null {
  const date = parseDeadline(raw);
  if (date === null) return `Failed to parse '${raw}' as a valid date. ${DEADLINE_FORMATS}`;
  const todayDate = utcCalendarDate(today);
  if (compareDates(date, todayDate) >= 0) return null;
  const parsed = formatMonthDayYear(date);
  return (
    `Successfully parsed ${raw} as ${parsed}. However, this value must be a date in the future ` +
    `and ${parsed} is BEFORE ${formatMonthDayYear(todayDate)}`
  );
}

/** 23:59:59.999 UTC of `date`: the last instant before the deadline passes. */
export function deadlineEndOfDay(date: CalendarDate): Date {
  const end = new Date(0);
  end.setUTCFullYear(date.year, date.month - 1, date.day);
  end.setUTCHours(23, 59, 59, 999);
  return end;
}

/** The UTC calendar date of an instant. */
export function utcCalendarDate(instant: Date): CalendarDate {
  return {
    year: instant.getUTCFullYear(),
    month: instant.getUTCMonth() + 1,
    day: instant.getUTCDate(),
  };
}

/** Python's `%b %d %Y`, as the tutorial prints dates in messages: `May 03 2018`. */
export function formatMonthDayYear(date: CalendarDate): string {
  const name = MONTH_NAMES[date.month - 1] ?? '';
  const month = `${name.charAt(0).toUpperCase()}${name.slice(1, 3)}`;
  return `${month} ${String(date.day).padStart(2, '0')} ${String(date.year).padStart(4, '0')}`;
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function calendarDate(year: number, month: number, day: number): CalendarDate | null {
  const valid =
    year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  return valid ? { year, month, day } : null;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

function twoDigitYear(year: number): number {
  return year < 69 ? 2000 + year : 1900 + year;
}

function monthNumber(word: string): number {
  const lower = word.toLowerCase();
  const index = MONTH_NAMES.findIndex((name) => name === lower || name.slice(0, 3) === lower);
  return index + 1;
}

function dateTimeUtcDate(match: RegExpExecArray): CalendarDate | null {
  const [, year, month, day, hours, minutes, seconds, zone, sign, offsetHours, offsetMinutes] =
    match;
  const date = calendarDate(num(year), num(month), num(day));
  const time = { hours: num(hours), minutes: num(minutes), seconds: num(seconds) };
  const offset = { hours: num(offsetHours), minutes: num(offsetMinutes) };
  if (date === null || time.hours > 23 || time.minutes > 59 || time.seconds > 59) return null;
  if (offset.hours > 23 || offset.minutes > 59) return null;
  if (zone === undefined || zone.toUpperCase() === 'Z') return date;
  // Local time minus its offset is UTC; Date carries the minutes over into hours and days.
  const offsetInMinutes = (sign === '-' ? -1 : 1) * (offset.hours * 60 + offset.minutes);
  const instant = new Date(0);
  instant.setUTCFullYear(date.year, date.month - 1, date.day);
  instant.setUTCHours(time.hours, time.minutes - offsetInMinutes);
  return utcCalendarDate(instant);
}

/** A matched group as a number; an absent optional group counts as 0. */
function num(group: string | undefined): number {
  return group === undefined ? 0 : Number(group);
}
