import type { ValidatorError } from './generated/validators';

/** One reason a value was rejected: where (RFC 6901 JSON pointer) and what is wrong. */
export interface ValidationIssue {
  pointer: string;
  message: string;
}

export type ValidationResult<T = unknown> =
  { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

// Keywords that only summarise errors already reported at a more precise place.
const SUMMARY_KEYWORDS = new Set(['if', 'allOf']);

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function stringParam(error: ValidatorError, name: string): string | undefined {
  const value = error.params[name];
  return typeof value === 'string' ? value : undefined;
}

function toIssue(error: ValidatorError): ValidationIssue {
  const missing = stringParam(error, 'missingProperty');
  if (error.keyword === 'required' && missing !== undefined) {
    return { pointer: `${error.instancePath}/${escapeToken(missing)}`, message: 'is required' };
  }
  const unexpected = stringParam(error, 'additionalProperty');
  if (error.keyword === 'additionalProperties' && unexpected !== undefined) {
    return {
      pointer: `${error.instancePath}/${escapeToken(unexpected)}`,
      message: 'is not an allowed property',
    };
  }
  if (error.keyword === 'enum' && Array.isArray(error.params.allowedValues)) {
    const allowed = error.params.allowedValues.map((value) => JSON.stringify(value)).join(', ');
    return { pointer: error.instancePath, message: `must be one of ${allowed}` };
  }
  if (error.keyword === 'const') {
    return {
      pointer: error.instancePath,
      message: `must be ${JSON.stringify(error.params.allowedValue)}`,
    };
  }
  return { pointer: error.instancePath, message: error.message ?? `fails ${error.keyword}` };
}

/** Turns Ajv errors into de-duplicated issues that point at the offending field. */
export function toValidationIssues(errors: readonly ValidatorError[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (SUMMARY_KEYWORDS.has(error.keyword)) continue;
    const issue = toIssue(error);
    const key = `${issue.pointer}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
