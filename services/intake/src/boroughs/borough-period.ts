import { ValidationProblem } from '@harbour/platform';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest period the map may ask for: a year and a day, as notification's alert counts. */
export const MAX_PERIOD_DAYS = 366;
/** Without `from`, the period is the 30 days before `to`. */
export const DEFAULT_PERIOD_DAYS = 30;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export interface Period {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/**
 * The period `[from, to)` of `?from=&to=` (ISO 8601 dates or date-times with a zone): `to`
 * defaults to now and `from` to 30 days before `to`; `from` must come before `to`, and the two
 * may be at most 366 days apart. Anything else is a 400 naming the parameter.
 */
export function periodOf(
  fromParameter: string | undefined,
  toParameter: string | undefined,
  now: Date = new Date(),
): Period {
  const to = dateParameter('to', toParameter) ?? now;
  const from =
    dateParameter('from', fromParameter) ?? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  if (from >= to) {
    throw new ValidationProblem([{ pointer: 'query:from', message: 'must be before to' }]);
  }
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw new ValidationProblem([
      { pointer: 'query:from', message: `the period may span at most ${MAX_PERIOD_DAYS} days` },
    ]);
  }
  return { from, to };
}

function dateParameter(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = DATE_TIME.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(parsed.getTime())) {
    throw new ValidationProblem([
      {
        pointer: `query:${name}`,
        message: 'must be an ISO 8601 date, or a date-time with its offset',
      },
    ]);
  }
  return parsed;
}
