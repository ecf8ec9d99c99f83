/** Words for what the APIs give as codes and numbers (nothing here needs the map). */

/** A code from the contracts in words: `within_days` → `within days`. */
export function words(code: string): string {
  return code.replace(/_/g, ' ');
}

export function list(codes: readonly string[], none = 'none'): string {
  return codes.length === 0 ? none : codes.map(words).join(', ');
}

/** `n thing` or `n things`. */
export function count(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? '' : 's'}`;
}

/** A random key for a request that must be answered once however often it is sent. */
export function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const LANGUAGES = new Intl.DisplayNames(['en-GB'], { type: 'language' });

/** Language codes as their English names: `sq` → `Albanian`. */
export function languages(codes: readonly string[]): string {
  if (codes.length === 0) return 'none given';
  return codes
    .map((code) => {
      try {
        return LANGUAGES.of(code) ?? code;
      } catch {
        return code;
      }
    })
    .join(', ');
}
