/** A rule a request broke, pointing at the field (JSON Pointer) the caller must fix. */
export interface FieldIssue {
  pointer: string;
  message: string;
}

/**
 * What a domain rule says about a requested change: do it, refuse the input (400), or refuse
 * because of the thing's current state (409).
 */
export type Ruling<T> =
  | { kind: 'accepted'; change: T }
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'conflict'; reason: string };

export const accepted = <T>(change: T): Ruling<T> => ({ kind: 'accepted', change });
export const invalid = (pointer: string, message: string): Ruling<never> => ({
  kind: 'invalid',
  issues: [{ pointer, message }],
});
export const conflict = (reason: string): Ruling<never> => ({ kind: 'conflict', reason });
