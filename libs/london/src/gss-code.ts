/**
 * An ONS GSS code for a London local authority (E09000001–E09000033).
 * A template type rather than a brand so literals like `'E09000007'` type-check without a cast;
 * use {@link isLondonGss} to narrow an arbitrary string.
 */
export type GssCode = `E090000${string}`;

const LONDON_GSS_PATTERN = /^E090000(0[1-9]|[12][0-9]|3[0-3])$/;

/** True for exactly the 33 London codes E09000001–E09000033 (case-sensitive, no whitespace). */
export function isLondonGss(gss: string): gss is GssCode {
  return LONDON_GSS_PATTERN.test(gss);
}
