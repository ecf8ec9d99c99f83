import { randomBytes, randomInt } from 'node:crypto';

/** Where a marker was found, and which one (by its label, never its value). */
export interface MarkerFinding {
  where: string;
  marker: string;
}

/**
 * Run-unique marker values for every personal field an e2e scenario sends, collected so one scan
 * can look for all of them in every log line, span and dead letter. A marker is distinctive
 * enough never to appear by chance (a random token, or a random fictional phone number or date of
 * birth), so finding one anywhere it should not be is a leak, not a coincidence.
 */
export class PersonalDataMarkers {
  /** Letters and digits only, so a marker survives any field's pattern and any tokenizer. */
  readonly token = `Mk${randomBytes(6).toString('hex')}`;
  private readonly markers = new Map<string, string[]>();

  constructor() {
    // The token alone: a truncated or re-encoded marker still gives itself away.
    this.register('marker token', this.token);
  }

  /** A free-text value: `<Label><token>` plus an optional readable tail. */
  text(label: string, tail = ''): string {
    const value = `${label}${this.token}${tail}`;
    this.register(label, value);
    return value;
  }

  /** A person's name (given name, family name, alias, a lead contact's name). */
  name(label: string): string {
    return this.text(label);
  }

  /** A fictional London number (Ofcom's drama range 020 7946 0xxx), also looked for without spaces. */
  phone(label: string): string {
    const value = `+44 20 7946 0${String(randomInt(0, 1000)).padStart(3, '0')}`;
    this.register(label, value, value.replace(/[^0-9+]/g, ''));
    return value;
  }

  /** A fictional UK mobile number as people write it (Ofcom's drama range 07700 900xxx). */
  mobile(label: string): string {
    const value = `07700 900${String(randomInt(0, 1000)).padStart(3, '0')}`;
    this.register(label, value, value.replace(/[^0-9]/g, ''));
    return value;
  }

  /** An e-mail address at the reserved example.org domain. */
  email(label: string): string {
    const value = `${label.toLowerCase().replace(/[^a-z]/g, '')}.${this.token}@example.org`;
    this.register(label, value);
    return value;
  }

  /** A date of birth `years` old plus a random number of days, so no two runs share it. */
  dateOfBirth(label: string, years: number): string {
    const date = new Date();
    date.setUTCFullYear(date.getUTCFullYear() - years);
    date.setUTCDate(date.getUTCDate() - randomInt(1, 300));
    const value = date.toISOString().slice(0, 10);
    this.register(label, value);
    return value;
  }

  /**
   * Adds a value that is not personal data but must not travel either (an acknowledgement link's
   * token is a credential), or a personal value the scenario made itself.
   */
  register(label: string, value: string, ...variants: string[]): void {
    const known = this.markers.get(label) ?? [];
    this.markers.set(label, [...new Set([...known, value, ...variants])]);
  }

  /** Every marker's label, for summaries. */
  labels(): string[] {
    return [...this.markers.keys()];
  }

  /** The labels of the markers `text` contains (case-insensitive: a leak may be normalised). */
  foundIn(text: string): string[] {
    const haystack = text.toLowerCase();
    const found: string[] = [];
    for (const [label, values] of this.markers) {
      if (values.some((value) => haystack.includes(value.toLowerCase()))) found.push(label);
    }
    return found;
  }

  /** Findings for one piece of text, each named by where it was. */
  scan(where: string, text: string): MarkerFinding[] {
    return this.foundIn(text).map((marker) => ({ where, marker }));
  }
}
