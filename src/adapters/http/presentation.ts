import type { Page, User, Widget } from '../../domain/index.js';
import type {
  AccountRepresentation,
  PageLinks,
  PageRepresentation,
  UserRepresentation,
  WidgetRepresentation,
} from './representations.js';

// How the HTTP API writes entities: pure functions whose results have the types of the schemas
// the document publishes (representations.ts); every timestamp in UTC, whatever the host's time
// zone.

export const WIDGETS_PATH = '/api/v1/widgets';
export const USERS_PATH = '/api/v1/users';
const SECONDS_PER_DAY = 86_400;
const MS_PER_SECOND = 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `MM/DD/YY hh:mm:ss AM UTC`, e.g. `02/29/20 09:03:29 PM UTC` (`%m/%d/%y %I:%M:%S %p %Z`). */
export function formatTimestamp(date: Date): string {
  const hours = date.getUTCHours();
  const clockHour = hours % 12 === 0 ? 12 : hours % 12;
  const year = date.getUTCFullYear() % 100;
  const day = `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${pad(year)}`;
  return `${day} ${clockTime(clockHour, date)} ${hours < 12 ? 'AM' : 'PM'} UTC`;
}

/** `2020-02-29T21:03:29Z`: whole seconds, UTC. */
export function formatIso8601(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** `Sat, 29 Feb 2020 21:03:29 -0000`, as Python's `email.utils.formatdate` (flask-restx rfc822). */
export function formatRfc822(date: Date): string {
  const weekday = WEEKDAYS[date.getUTCDay()] ?? '';
  const month = MONTHS[date.getUTCMonth()] ?? '';
  const day = `${pad(date.getUTCDate())} ${month} ${pad(date.getUTCFullYear(), 4)}`;
  return `${weekday}, ${day} ${clockTime(date.getUTCHours(), date)} -0000`;
}

/**
 * `HH:MM:SS`, or `N day, HH:MM:SS` / `N days, HH:MM:SS` from one day on (whole seconds, never
 * negative). The tutorial printed `00:00:00.<microseconds>` whenever the seconds were 0.
 */
export function formatTokenExpiresIn(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const days = Math.floor(whole / SECONDS_PER_DAY);
  const rest = whole % SECONDS_PER_DAY;
  const hours = Math.floor(rest / 3600);
  const clock = `${pad(hours)}:${pad(Math.floor(rest / 60) % 60)}:${pad(rest % 60)}`;
  return days === 0 ? clock : `${days} ${days === 1 ? 'day' : 'days'}, ${clock}`;
}

/**
 * The tutorial's `format_timedelta_str` of the time left (`seconds` may have a fraction, read to
 * the millisecond): `N day(s) H hours M minutes S seconds`, then without the leading zero parts
 * (`H hours M minutes S seconds`, `M minutes S seconds`), `S seconds MS milliseconds` under a
 * minute and `US microseconds` under a second; `No time remaining` when negative.
 */
export function formatTimeRemaining(seconds: number): string {
  if (seconds < 0) return 'No time remaining';
  const totalMs = Math.round(seconds * MS_PER_SECOND);
  const ms = totalMs % MS_PER_SECOND;
  const totalSeconds = (totalMs - ms) / MS_PER_SECOND;
  const days = Math.floor(totalSeconds / SECONDS_PER_DAY);
  const hours = Math.floor(totalSeconds / 3600) % 24;
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const secs = totalSeconds % 60;
  const hms = `${hours} hours ${minutes} minutes ${secs} seconds`;
  if (days > 0) return `${days} ${days === 1 ? 'day' : 'days'} ${hms}`;
  if (hours > 0) return hms;
  if (minutes > 0) return `${minutes} minutes ${secs} seconds`;
  if (secs > 0) return `${secs} seconds ${ms} milliseconds`;
  return `${ms * 1000} microseconds`;
}

/** The widget object of the contract, keys in its order, as seen at `now`. */
export function presentWidget(widget: Widget, now: Date): WidgetRepresentation {
  const msLeft = widget.deadline.getTime() - now.getTime();
  return {
    name: widget.name,
    info_url: widget.infoUrl,
    created_at: formatTimestamp(widget.createdAt),
    created_at_iso8601: formatIso8601(widget.createdAt),
    created_at_rfc822: formatRfc822(widget.createdAt),
    deadline: formatTimestamp(widget.deadline),
    deadline_passed: msLeft < 0,
    time_remaining: formatTimeRemaining(msLeft / MS_PER_SECOND),
    owner: { email: widget.owner.email, public_id: widget.owner.publicId },
    link: widgetPath(widget.name),
  };
}

/** `/api/v1/widgets/<name>`. */
export function widgetPath(name: string): string {
  return `${WIDGETS_PATH}/${encodeURIComponent(name)}`;
}

/** The page object of the contract, keys in its order, for the listing at `path`. */
export function presentPage<T, R>(
  path: string,
  page: Page<T>,
  present: (item: T) => R,
): PageRepresentation<R> {
  return {
    links: pageLinks(path, page),
    has_prev: page.hasPrev,
    has_next: page.hasNext,
    page: page.page,
    total_pages: page.totalPages,
    items_per_page: page.perPage,
    total_items: page.total,
    items: page.items.map(present),
  };
}

/** The widget listing's page object, as seen at `now`. */
export function presentWidgetPage(
  page: Page<Widget>,
  now: Date,
): PageRepresentation<WidgetRepresentation> {
  return presentPage(WIDGETS_PATH, page, (widget) => presentWidget(widget, now));
}

/** The page's links as `<base><path>?page=P&per_page=N`; `base` is '' for relative links. */
export function pageLinks(path: string, page: Page<unknown>, base = ''): PageLinks {
  const link = (number: number) => `${base}${path}?page=${number}&per_page=${page.perPage}`;
  const { self, first, prev, next, last } = page.links;
  return {
    self: link(self),
    first: link(first),
    ...(prev !== null && { prev: link(prev) }),
    ...(next !== null && { next: link(next) }),
    last: link(last),
  };
}

/** The RFC 8288 `Link` header value of the same links: `<url>; rel="self", <url>; rel="first"…` */
export function pageLinkHeader(path: string, page: Page<unknown>, base: string): string {
  return Object.entries(pageLinks(path, page, base))
    .map(([rel, url]) => `<${url}>; rel="${rel}"`)
    .join(', ');
}

/** The widget listing's `Link` header. */
export function widgetPageLinkHeader(page: Page<unknown>, base: string): string {
  return pageLinkHeader(WIDGETS_PATH, page, base);
}

/** The user object of the admin routes, keys in the contract's order. */
export function presentAccount(user: User): AccountRepresentation {
  return {
    email: user.email,
    public_id: user.publicId,
    admin: user.admin,
    registered_on: formatTimestamp(user.registeredOn),
  };
}

/** `GET /api/v1/auth/user`: the user, and the time left on the token that asked. */
export function presentUser(user: User, tokenSecondsLeft: number): UserRepresentation {
  return { ...presentAccount(user), token_expires_in: formatTokenExpiresIn(tokenSecondsLeft) };
}

/** `hh:mm:ss` with the given hour and `date`'s UTC minutes and seconds. */
function clockTime(hours: number, date: Date): string {
  return `${pad(hours)}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}
