import type { DataSource } from 'typeorm';
import type { Principal } from '../identity/principal';
import { type AuditResource, auditActorOf } from './audit-entry';
import { AuditLog } from './audit-log';

/** One API answer that carried personal data: which record, which of its fields, which route. */
export interface PersonalDataRead {
  resource: AuditResource;
  /** Names of the personal fields the answer held (`person`, `address`), never their values. */
  fields: readonly string[];
  /** The route that answered, as the matrix writes it (`GET /v1/operations/:id`). */
  route: string;
}

/**
 * Records reads of personal data through a service's API in its audit chain, before the answer
 * leaves: if the entry cannot be written the request fails, so nothing personal is ever read
 * unrecorded. An answer without personal fields records nothing (an empty `fields`).
 */
export class PersonalDataReads {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog = new AuditLog(dataSource),
  ) {}

  async record(principal: Principal, read: PersonalDataRead): Promise<void> {
    if (read.fields.length === 0) return;
    await this.dataSource.transaction((manager) =>
      this.audit.append(manager, {
        actor: auditActorOf(principal),
        action: 'personal_data.read',
        resource: read.resource,
        reason: read.route,
        details: { fields: [...read.fields] },
      }),
    );
  }
}

/** The keys of `view` among `personal` that hold a value: what an answer actually disclosed. */
export function personalFieldsOf<View extends object>(
  view: View,
  personal: readonly (keyof View & string)[],
): string[] {
  return personal.filter((key) => view[key] !== undefined && view[key] !== null);
}
