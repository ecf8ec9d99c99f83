import type { AccessNeed, NrmStage, SupportLevel } from '@harbour/contracts';
import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';

export type GenderServed = 'female' | 'male' | 'any';
export type PropertyAge = 'adult' | 'child_16_17' | 'family';

export interface NewProperty {
  id: string;
  providerOrganisationId: string;
  label: string;
  borough: string;
  postcodeDistrict: string;
  genderServed: GenderServed;
  ages: PropertyAge[];
  childrenAccepted: number;
  accessibility: AccessNeed[];
  languages: string[];
  supportLevel: SupportLevel;
  nrmStages: NrmStage[];
  nrpfAccepted: boolean;
  beds: number;
  availableBeds: number;
  availabilityConfirmedAt: Date;
  registeredAt: Date;
}

/** A property with the beds its open offers hold. */
export interface PropertyRecord extends NewProperty {
  heldBeds: number;
}

/** A property as the matcher sees it: with its provider's recent answers to offers. */
export interface PropertyWithHistory extends PropertyRecord {
  history: { offers: number; accepted: number; declined: number; expired: number };
}

/** Who changed a property's availability, and how. */
export interface AvailabilityStamp {
  at: Date;
  organisationId: string;
  keyId?: string;
  kind: 'registered' | 'changed' | 'confirmed' | 'placement';
}

interface PropertyRow {
  id: string;
  provider_organisation_id: string;
  label: string;
  borough: string;
  postcode_district: string;
  gender_served: GenderServed;
  ages: PropertyAge[];
  children_accepted: number;
  accessibility: AccessNeed[];
  languages: string[];
  support_level: SupportLevel;
  nrm_stages: NrmStage[];
  nrpf_accepted: boolean;
  beds: number;
  available_beds: number;
  availability_confirmed_at: Date;
  registered_at: Date;
  held_beds: number;
}

interface HistoryRow extends PropertyRow {
  offers: number;
  accepted: number;
  declined: number;
  expired: number;
}

function propertyOf(row: PropertyRow): PropertyRecord {
  return {
    id: row.id,
    providerOrganisationId: row.provider_organisation_id,
    label: row.label,
    borough: row.borough,
    postcodeDistrict: row.postcode_district,
    genderServed: row.gender_served,
    ages: row.ages,
    childrenAccepted: row.children_accepted,
    accessibility: row.accessibility,
    languages: row.languages,
    supportLevel: row.support_level,
    nrmStages: row.nrm_stages,
    nrpfAccepted: row.nrpf_accepted,
    beds: row.beds,
    availableBeds: row.available_beds,
    availabilityConfirmedAt: row.availability_confirmed_at,
    registeredAt: row.registered_at,
    heldBeds: row.held_beds,
  };
}

/** Days of offers a provider's response history looks back over: recent behaviour counts. */
const HISTORY_DAYS = 90;

/**
 * Properties and their availability history. Held beds are never stored: they are the open
 * offers of the property, counted when read, so a hold ends exactly when its offer does.
 */
export class PropertyStore {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  private columns(alias: string): string {
    return `${alias}.id, ${alias}.provider_organisation_id, ${alias}.label, ${alias}.borough,
      ${alias}.postcode_district, ${alias}.gender_served, ${alias}.ages, ${alias}.children_accepted,
      ${alias}.accessibility, ${alias}.languages, ${alias}.support_level, ${alias}.nrm_stages,
      ${alias}.nrpf_accepted, ${alias}.beds, ${alias}.available_beds,
      ${alias}.availability_confirmed_at, ${alias}.registered_at,
      (SELECT count(*)::int FROM ${this.schema}.offer o
        WHERE o.property_id = ${alias}.id AND o.state = 'offered') AS held_beds`;
  }

  async insert(manager: EntityManager, property: NewProperty, stamp: AvailabilityStamp) {
    await manager.query(
      `INSERT INTO ${this.schema}.property
        (id, provider_organisation_id, label, borough, postcode_district, gender_served, ages,
         children_accepted, accessibility, languages, support_level, nrm_stages, nrpf_accepted,
         beds, available_beds, availability_confirmed_at, registered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        property.id,
        property.providerOrganisationId,
        property.label,
        property.borough,
        property.postcodeDistrict,
        property.genderServed,
        property.ages,
        property.childrenAccepted,
        property.accessibility,
        property.languages,
        property.supportLevel,
        property.nrmStages,
        property.nrpfAccepted,
        property.beds,
        property.availableBeds,
        property.availabilityConfirmedAt,
        property.registeredAt,
      ],
    );
    await this.recordChange(manager, property.id, null, property.availableBeds, stamp);
  }

  /** The property; `for_update` holds its row (and so its bed count) until the transaction ends. */
  async find(
    manager: EntityManager,
    id: string,
    lock: 'for_update' | 'no_lock' = 'no_lock',
  ): Promise<PropertyRecord | undefined> {
    const rows = await manager.query<PropertyRow[]>(
      `SELECT ${this.columns('p')} FROM ${this.schema}.property p WHERE p.id = $1
       ${lock === 'for_update' ? 'FOR UPDATE OF p' : ''}`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? undefined : propertyOf(row);
  }

  /** One provider's properties, or all (coordinators), by label. */
  async list(manager: EntityManager, providerOrganisationId?: string): Promise<PropertyRecord[]> {
    const rows = await manager.query<PropertyRow[]>(
      `SELECT ${this.columns('p')} FROM ${this.schema}.property p
        WHERE $1::uuid IS NULL OR p.provider_organisation_id = $1
        ORDER BY p.label, p.id`,
      [providerOrganisationId ?? null],
    );
    return rows.map(propertyOf);
  }

  /**
   * Every property with its held beds and its provider's answers to offers over the last 90
   * days, in one query (the matcher runs on the whole directory for every request).
   */
  async candidates(manager: EntityManager): Promise<PropertyWithHistory[]> {
    const rows = await manager.query<HistoryRow[]>(
      `WITH held AS (
         SELECT property_id, count(*)::int AS held_beds FROM ${this.schema}.offer
          WHERE state = 'offered' GROUP BY property_id
       ), history AS (
         SELECT provider_organisation_id,
                count(*) FILTER (WHERE state IN ('accepted', 'declined')
                                    OR end_reason = 'hold_expired')::int AS offers,
                count(*) FILTER (WHERE state = 'accepted')::int AS accepted,
                count(*) FILTER (WHERE state = 'declined')::int AS declined,
                count(*) FILTER (WHERE end_reason = 'hold_expired')::int AS expired
           FROM ${this.schema}.offer
          WHERE offered_at > now() - make_interval(days => $1)
          GROUP BY provider_organisation_id
       )
       SELECT p.id, p.provider_organisation_id, p.label, p.borough, p.postcode_district,
              p.gender_served, p.ages, p.children_accepted, p.accessibility, p.languages,
              p.support_level, p.nrm_stages, p.nrpf_accepted, p.beds, p.available_beds,
              p.availability_confirmed_at, p.registered_at,
              COALESCE(held.held_beds, 0) AS held_beds,
              COALESCE(history.offers, 0) AS offers, COALESCE(history.accepted, 0) AS accepted,
              COALESCE(history.declined, 0) AS declined, COALESCE(history.expired, 0) AS expired
         FROM ${this.schema}.property p
         LEFT JOIN held ON held.property_id = p.id
         LEFT JOIN history ON history.provider_organisation_id = p.provider_organisation_id`,
      [HISTORY_DAYS],
    );
    return rows.map((row) => ({
      ...propertyOf(row),
      history: {
        offers: row.offers,
        accepted: row.accepted,
        declined: row.declined,
        expired: row.expired,
      },
    }));
  }

  /**
   * Sets the beds available (a provider's update, or a placement taking one) and records the
   * change. Sending the same number confirms it: the confirmation time moves, the count does
   * not. The CHECK constraint refuses a count below 0 or above the beds.
   */
  async setAvailability(
    manager: EntityManager,
    property: PropertyRecord,
    availableBeds: number,
    stamp: AvailabilityStamp,
  ): Promise<void> {
    const confirms = stamp.kind !== 'placement';
    await manager.query(
      `UPDATE ${this.schema}.property
          SET available_beds = $2,
              availability_confirmed_at = CASE WHEN $3 THEN $4 ELSE availability_confirmed_at END
        WHERE id = $1`,
      [property.id, availableBeds, confirms, stamp.at],
    );
    await this.recordChange(manager, property.id, property.availableBeds, availableBeds, stamp);
  }

  /** Takes the placed bed: `available_beds - 1`, refused by the CHECK if none is left. */
  async takeBed(manager: EntityManager, property: PropertyRecord, stamp: AvailabilityStamp) {
    await this.setAvailability(manager, property, property.availableBeds - 1, stamp);
  }

  private async recordChange(
    manager: EntityManager,
    propertyId: string,
    before: number | null,
    after: number,
    stamp: AvailabilityStamp,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.availability_change
        (property_id, changed_at, changed_by_organisation_id, changed_by_key_id, kind,
         available_before, available_after)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [propertyId, stamp.at, stamp.organisationId, stamp.keyId ?? null, stamp.kind, before, after],
    );
  }
}
