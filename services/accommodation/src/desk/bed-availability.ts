import type { SupportLevel } from '@harbour/contracts';
import { freeBeds, isStale } from '../domain/property';
import type { GenderServed, PropertyAge, PropertyRecord } from '../properties/property-store';

/** Beds counted over a set of properties; `freeBedsStale` is the part of `freeBeds` not confirmed lately. */
export interface BedCounts {
  properties: number;
  beds: number;
  availableBeds: number;
  heldBeds: number;
  freeBeds: number;
  staleProperties: number;
  freeBedsStale: number;
}

/** One property's beds and when its provider last confirmed them: the borough, never an address. */
export interface PropertyFreshness {
  propertyId: string;
  label: string;
  providerOrganisationId: string;
  providerName: string;
  borough: string;
  genderServed: GenderServed;
  ages: PropertyAge[];
  supportLevel: SupportLevel;
  beds: number;
  availableBeds: number;
  heldBeds: number;
  freeBeds: number;
  availabilityConfirmedAt: string;
  hoursSinceConfirmed: number;
  stale: boolean;
}

/** A provider's latest and oldest confirmation over its properties. */
export interface ProviderFreshness {
  providerOrganisationId: string;
  providerName: string;
  properties: number;
  freeBeds: number;
  lastConfirmedAt: string;
  oldestConfirmedAt: string;
  staleProperties: number;
}

/**
 * `GET /v1/bed-availability`: beds across London by the gender a property serves and its
 * support level (emergency, safe house, move-on, dispersed), by borough, and how fresh each
 * provider's figures are. Counts, labels and boroughs only: no postcode district, no address,
 * nothing about the people in the beds.
 */
export interface BedAvailabilityView {
  at: string;
  staleAfterHours: number;
  totals: BedCounts;
  byGender: (BedCounts & { genderServed: GenderServed })[];
  byType: (BedCounts & { genderServed: GenderServed; supportLevel: SupportLevel })[];
  boroughs: (BedCounts & { borough: string; freeByGender: Record<GenderServed, number> })[];
  providers: ProviderFreshness[];
  /** Oldest confirmation first: the figures most in need of a call. */
  properties: PropertyFreshness[];
}

const GENDERS: readonly GenderServed[] = ['female', 'male', 'any'];
const SUPPORT_LEVELS: readonly SupportLevel[] = ['emergency', 'safe_house', 'move_on', 'dispersed'];

function emptyCounts(): BedCounts {
  return {
    properties: 0,
    beds: 0,
    availableBeds: 0,
    heldBeds: 0,
    freeBeds: 0,
    staleProperties: 0,
    freeBedsStale: 0,
  };
}

function add(counts: BedCounts, property: PropertyRecord, stale: boolean): void {
  const free = freeBeds(property.availableBeds, property.heldBeds);
  counts.properties += 1;
  counts.beds += property.beds;
  counts.availableBeds += property.availableBeds;
  counts.heldBeds += property.heldBeds;
  counts.freeBeds += free;
  if (stale) {
    counts.staleProperties += 1;
    counts.freeBedsStale += free;
  }
}

export function bedAvailabilityView(
  properties: readonly PropertyRecord[],
  providerNames: ReadonlyMap<string, string>,
  now: Date,
  staleAfterHours: number,
): BedAvailabilityView {
  const totals = emptyCounts();
  const byGender = new Map(GENDERS.map((g) => [g, emptyCounts()] as const));
  const byType = new Map<
    string,
    BedCounts & { genderServed: GenderServed; supportLevel: SupportLevel }
  >();
  const boroughs = new Map<
    string,
    BedCounts & { borough: string; freeByGender: Record<GenderServed, number> }
  >();
  const providers = new Map<string, ProviderFreshness>();
  const rows: PropertyFreshness[] = [];
  const nameOf = (id: string) => providerNames.get(id) ?? 'Unknown provider';

  for (const property of properties) {
    const stale = isStale(property.availabilityConfirmedAt, now, staleAfterHours);
    const free = freeBeds(property.availableBeds, property.heldBeds);
    add(totals, property, stale);
    add(byGender.get(property.genderServed) ?? emptyCounts(), property, stale);

    const typeKey = `${property.genderServed}/${property.supportLevel}`;
    const type = byType.get(typeKey) ?? {
      genderServed: property.genderServed,
      supportLevel: property.supportLevel,
      ...emptyCounts(),
    };
    add(type, property, stale);
    byType.set(typeKey, type);

    const borough = boroughs.get(property.borough) ?? {
      borough: property.borough,
      ...emptyCounts(),
      freeByGender: { female: 0, male: 0, any: 0 },
    };
    add(borough, property, stale);
    borough.freeByGender[property.genderServed] += free;
    boroughs.set(property.borough, borough);

    const confirmed = property.availabilityConfirmedAt.toISOString();
    const provider = providers.get(property.providerOrganisationId) ?? {
      providerOrganisationId: property.providerOrganisationId,
      providerName: nameOf(property.providerOrganisationId),
      properties: 0,
      freeBeds: 0,
      lastConfirmedAt: confirmed,
      oldestConfirmedAt: confirmed,
      staleProperties: 0,
    };
    provider.properties += 1;
    provider.freeBeds += free;
    if (confirmed > provider.lastConfirmedAt) provider.lastConfirmedAt = confirmed;
    if (confirmed < provider.oldestConfirmedAt) provider.oldestConfirmedAt = confirmed;
    if (stale) provider.staleProperties += 1;
    providers.set(property.providerOrganisationId, provider);

    rows.push({
      propertyId: property.id,
      label: property.label,
      providerOrganisationId: property.providerOrganisationId,
      providerName: nameOf(property.providerOrganisationId),
      borough: property.borough,
      genderServed: property.genderServed,
      ages: property.ages,
      supportLevel: property.supportLevel,
      beds: property.beds,
      availableBeds: property.availableBeds,
      heldBeds: property.heldBeds,
      freeBeds: free,
      availabilityConfirmedAt: confirmed,
      hoursSinceConfirmed: Math.max(
        0,
        Math.floor((now.getTime() - property.availabilityConfirmedAt.getTime()) / 3_600_000),
      ),
      stale,
    });
  }

  const typeOrder = (t: { genderServed: GenderServed; supportLevel: SupportLevel }) =>
    GENDERS.indexOf(t.genderServed) * SUPPORT_LEVELS.length +
    SUPPORT_LEVELS.indexOf(t.supportLevel);
  return {
    at: now.toISOString(),
    staleAfterHours,
    totals,
    byGender: GENDERS.map((genderServed) => ({
      genderServed,
      ...(byGender.get(genderServed) ?? emptyCounts()),
    })),
    byType: [...byType.values()].sort((a, b) => typeOrder(a) - typeOrder(b)),
    boroughs: [...boroughs.values()].sort((a, b) => a.borough.localeCompare(b.borough)),
    providers: [...providers.values()].sort(
      (a, b) =>
        a.oldestConfirmedAt.localeCompare(b.oldestConfirmedAt) ||
        a.providerName.localeCompare(b.providerName),
    ),
    properties: rows.sort(
      (a, b) =>
        a.availabilityConfirmedAt.localeCompare(b.availabilityConfirmedAt) ||
        a.propertyId.localeCompare(b.propertyId),
    ),
  };
}
