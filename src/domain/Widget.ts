import { assertValid, DomainError, tokenError } from './DomainError.js';
import { deadlineEndOfDay, deadlineProblem, parseDeadline } from './rules/deadline.js';
import { infoUrlProblem } from './rules/infoUrl.js';
import { normalizeWidgetName, widgetNameProblem } from './rules/widgetName.js';

export interface WidgetOwner {
  readonly publicId: string;
  readonly email: string;
}

export interface Widget {
  /** Normalised: lower-cased. */
  readonly name: string;
  /** As sent (validated, never rewritten). */
  readonly infoUrl: string;
  /** 23:59:59.999 UTC of the deadline's date: the widget's deadline has passed after this. */
  readonly deadline: Date;
  readonly createdAt: Date;
  readonly owner: WidgetOwner;
}

/** The fields of a new widget as a client sends them. */
export interface NewWidget {
  readonly name: string;
  readonly infoUrl: string;
  readonly deadline: string;
  readonly owner: WidgetOwner;
}

/** Validated changes, as a repository applies them. */
export interface WidgetChanges {
  readonly infoUrl: string;
  readonly deadline: Date;
}

/**
 * Builds a Widget created at `now`, refusing invalid fields whatever adapter the request came
 * through: one VALIDATION error naming every failing field (`name`, `info_url`, `deadline`).
 */
export function createWidget(input: NewWidget, now: Date): Widget {
  assertValid({
    name: widgetNameProblem(input.name),
    info_url: infoUrlProblem(input.infoUrl),
    deadline: deadlineProblem(input.deadline, now),
  });
  return {
    name: normalizeWidgetName(input.name),
    infoUrl: input.infoUrl,
    deadline: validatedDeadline(input.deadline),
    createdAt: now,
    owner: input.owner,
  };
}

/** The CONFLICT raised for a taken name, by a use case's pre-check and by a repository alike. */
export function widgetNameTaken(name: string): DomainError {
  return new DomainError('CONFLICT', `Widget name: ${name} already exists, must be unique.`);
}

/** The NOT_FOUND for a widget name, naming it as the client sent it. */
export function widgetNotFound(name: string): DomainError {
  return new DomainError('NOT_FOUND', `${name} not found in database.`);
}

function validatedDeadline(raw: string): Date {
  const date = parseDeadline(raw);
  if (date === null) throw new TypeError('deadline used before validation');
  return deadlineEndOfDay(date);
}

/**
 * A widget's owner is the admin creating it, whose account was deleted after the request was
 * authenticated: the answer is the one that admin's token gets from now on.
 */
export function ownerGone(): DomainError {
  return tokenError('TOKEN_INVALID');
}
