/** The coordinator's desk: beds, waiting requests, dead letters and audit chains, through the proxy. */
import { call, json } from './api';

export interface BedCounts {
  properties: number;
  beds: number;
  availableBeds: number;
  heldBeds: number;
  freeBeds: number;
  staleProperties: number;
  freeBedsStale: number;
}

/** `GET /v1/bed-availability` (accommodation): counts, labels and boroughs, no address. */
export interface BedAvailability {
  at: string;
  staleAfterHours: number;
  totals: BedCounts;
  byGender: (BedCounts & { genderServed: string })[];
  byType: (BedCounts & { genderServed: string; supportLevel: string })[];
  boroughs: (BedCounts & { borough: string; freeByGender: Record<string, number> })[];
  providers: {
    providerOrganisationId: string;
    providerName: string;
    properties: number;
    freeBeds: number;
    lastConfirmedAt: string;
    oldestConfirmedAt: string;
    staleProperties: number;
  }[];
  properties: {
    propertyId: string;
    label: string;
    providerName: string;
    borough: string;
    genderServed: string;
    ages: string[];
    supportLevel: string;
    beds: number;
    availableBeds: number;
    heldBeds: number;
    freeBeds: number;
    availabilityConfirmedAt: string;
    hoursSinceConfirmed: number;
    stale: boolean;
  }[];
}

/** `GET /v1/waiting-bed-requests` (accommodation): needs and attempts, never names. */
export interface WaitingRequest {
  requestId: string;
  state: 'open' | 'unmatched';
  borough: string;
  requestedBy: { organisationId: string; organisationKind: string; name: string };
  needs: {
    gender: string;
    ageGroup: string;
    accompanyingChildren: number;
    languages: string[];
    accessNeeds: string[];
    supportLevel: string;
    nrmStage: string;
    nrpf: boolean;
  };
  urgency: { kind: string; neededBy: string; matchBy: string };
  submittedAt: string;
  waitingSeconds: number;
  closedAt: string | null;
  closedReason: string | null;
  offers: {
    total: number;
    open: number;
    declined: number;
    expired: number;
    withdrawn: number;
    lastOfferedAt: string | null;
  };
}

export interface WaitingRequests {
  at: string;
  requests: WaitingRequest[];
  total: number;
  nextOffset: number | null;
}

export type WaitingFilter = 'all' | 'open' | 'unmatched';

/** One dead-lettered message, as `GET /v1/dead-letters/{topic}` (notification) lists it. */
export interface DeadLetter {
  position: string;
  partition: number;
  offset: string;
  eventId: string | null;
  eventType: string | null;
  eventSource: string | null;
  reason: string;
  error: string;
  consumer: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  failedAt: string | null;
  /** Earlier replays, from the audit chain: when and who (ids only). */
  replays: { at: string; actor: { type: string; personId?: string; organisationId?: string } }[];
}

export interface DeadLetterTopics {
  topics: { topic: string; deadLetters: number }[];
}

export interface DeadLetterList {
  topic: string;
  total: number;
  deadLetters: DeadLetter[];
}

export interface ReplayResult {
  topic: string;
  replayed: string[];
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: Record<string, string>;
  action: string;
  resource: { kind: string; id: string };
  reason: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditPage {
  chain: string;
  entries: AuditEntry[];
  next: number | null;
}

export interface AuditFilter {
  chain?: string;
  action?: string;
  resource?: string;
  from?: string;
  to?: string;
}

const id = (value: string) => encodeURIComponent(value);

function query(parameters: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export const deskApi = {
  bedAvailability: () => call<BedAvailability>('/api/accommodation/v1/bed-availability'),
  waitingRequests: (filter: WaitingFilter, offset = 0) =>
    call<WaitingRequests>(
      `/api/accommodation/v1/waiting-bed-requests${query({
        state: filter === 'all' ? undefined : filter,
        limit: 50,
        offset,
      })}`,
    ),
  deadLetterTopics: () => call<DeadLetterTopics>('/api/notification/v1/dead-letters'),
  deadLetters: (topic: string) =>
    call<DeadLetterList>(`/api/notification/v1/dead-letters/${id(topic)}`),
  replay: (topic: string, positions: string[]) =>
    call<ReplayResult>(
      `/api/notification/v1/dead-letters/${id(topic)}/replays`,
      json({ positions }),
    ),
  audit: (service: string, filter: AuditFilter, before?: number) =>
    call<AuditPage>(`/api/${id(service)}/v1/audit${query({ ...filter, before, limit: 25 })}`),
};
