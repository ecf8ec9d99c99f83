/** One problem with a payload: a JSON Pointer into it and what is wrong (never the value itself). */
export interface ValidationIssue {
  pointer: string;
  message: string;
}

export type ValidationResult = { ok: true } | { ok: false; issues: ValidationIssue[] };

/**
 * Validates an event payload by its type, typically with the compiled JSON Schemas from
 * `@harbour/contracts`. Producers validate before publishing, consumers before acting.
 */
export type EventValidator = (type: string, data: unknown) => ValidationResult;

/** Issues as one short line: pointers and messages only, so it is safe for logs and headers. */
export function formatIssues(issues: readonly ValidationIssue[], maxLength = 500): string {
  const text = issues.map((i) => `${i.pointer || '/'}: ${i.message}`).join('; ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
