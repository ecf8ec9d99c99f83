import type { PropertyRegistrationBody } from '@harbour/contracts';
import { authorityByGss, isLondonPostcode } from '@harbour/london';

/** A field a request got wrong: JSON Pointer and a plain message (a 400 problem's entry). */
export interface FieldIssue {
  pointer: string;
  message: string;
}

/**
 * What the schema cannot say about a property: more free beds than beds, children without the
 * family age group, a borough outside London, a postcode district that is not a London one.
 * Only the district is kept: a refuge's address is never stored.
 */
export function propertyRegistrationIssues(body: PropertyRegistrationBody): FieldIssue[] {
  const issues: FieldIssue[] = [...availabilityIssues(body.beds, body.availableBeds)];
  if ((body.childrenAccepted ?? 0) > 0 && !body.ages.includes('family')) {
    issues.push({
      pointer: '/childrenAccepted',
      message: 'children can be accepted only by a property that takes families (ages: family)',
    });
  }
  if (authorityByGss(body.borough) === undefined) {
    issues.push({ pointer: '/borough', message: `unknown London borough: ${body.borough}` });
  }
  if (isLondonPostcode(`${body.postcodeDistrict} 1AA`) !== true) {
    issues.push({
      pointer: '/postcodeDistrict',
      message: `not a London postcode district: ${body.postcodeDistrict}`,
    });
  }
  return issues;
}

/** Beds free now can never exceed the beds the property has. */
export function availabilityIssues(beds: number, availableBeds: number): FieldIssue[] {
  return availableBeds > beds
    ? [
        {
          pointer: '/availableBeds',
          message: `cannot exceed the property's ${beds} beds`,
        },
      ]
    : [];
}

/** Outward codes are kept in capitals, as postcodes are written. */
export function normaliseDistrict(district: string): string {
  return district.trim().toUpperCase();
}

/**
 * Beds a new offer could hold: those available less those held by open offers. Never negative,
 * even when a provider lowered its availability below what offers already hold.
 */
export function freeBeds(availableBeds: number, heldBeds: number): number {
  return Math.max(0, availableBeds - heldBeds);
}

/** Availability not confirmed within the window is shown as stale (and the matcher ranks it lower). */
export function isStale(confirmedAt: Date, now: Date, staleAfterHours: number): boolean {
  return now.getTime() - confirmedAt.getTime() > staleAfterHours * 3_600_000;
}
