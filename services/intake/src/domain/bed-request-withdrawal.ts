import { accepted, conflict, type Ruling } from './field-issue';

/**
 * Where a bed request stands as intake knows it. Matching, offers and placement belong to the
 * accommodation service; intake only records what the requester said.
 */
export type BedRequestState = 'submitted' | 'withdrawn';

/** The requester no longer needs the bed: once only. */
export function withdrawBedRequest(state: BedRequestState, now: Date): Ruling<{ at: Date }> {
  switch (state) {
    case 'withdrawn':
      return conflict('The bed request was already withdrawn.');
    case 'submitted':
      return accepted({ at: now });
  }
}
