/** Blind-index purposes of the two person keys: one HMAC key space each. */
export type PersonKeyPurpose = 'person:name-dob' | 'person:subject-reference';

/** A normalised identifying value, to be turned into a blind index (never stored as it is). */
export interface PersonKeyValue {
  purpose: PersonKeyPurpose;
  value: string;
}

export interface IdentifyingDetails {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  subjectReference?: string;
}

/**
 * Case, accents, spaces and punctuation do not tell two people apart in a record typed by
 * different partners: `Ana-María  López` and `ana maria lopez` are the same key.
 */
export function normaliseNamePart(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The values that identify a person across records: given name, family name and date of birth
 * together (only when all three are known: a name alone matches strangers), and the reporter's
 * subject reference when given.
 */
export function personKeyValues(details: IdentifyingDetails): PersonKeyValue[] {
  const keys: PersonKeyValue[] = [];
  const given = details.givenName === undefined ? '' : normaliseNamePart(details.givenName);
  const family = details.familyName === undefined ? '' : normaliseNamePart(details.familyName);
  const dob = details.dateOfBirth?.trim() ?? '';
  if (given !== '' && family !== '' && /^\d{4}-\d{2}-\d{2}$/.test(dob)) {
    keys.push({ purpose: 'person:name-dob', value: `${given}|${family}|${dob}` });
  }
  const reference = details.subjectReference?.trim().toLowerCase().replace(/\s+/g, '') ?? '';
  if (reference !== '') keys.push({ purpose: 'person:subject-reference', value: reference });
  return keys;
}
