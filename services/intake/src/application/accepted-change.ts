import { RequestRejected } from '@harbour/platform';
import type { Ruling } from '../domain/field-issue';

/** The change a domain rule accepted; its refusal (400 or 409) rolls the command back. */
export function acceptedChange<T>(ruling: Ruling<T>): T {
  switch (ruling.kind) {
    case 'invalid':
      throw new RequestRejected({ kind: 'invalid', issues: ruling.issues });
    case 'conflict':
      throw new RequestRejected({ kind: 'conflict', message: ruling.reason });
    case 'accepted':
      return ruling.change;
  }
}
