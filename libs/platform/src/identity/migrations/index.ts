import { CreateIdentityStore1764316800000 } from './1764316800000-create-identity-store';
import { IdentityAuditLog1765100000000 } from './1765100000000-identity-audit-log';
import { PeopleAndSessions1766200000000 } from './1766200000000-people-and-sessions';

/** Every identity-store migration, oldest first. Append; never edit one that has shipped. */
export const IDENTITY_MIGRATIONS = [
  CreateIdentityStore1764316800000,
  IdentityAuditLog1765100000000,
  PeopleAndSessions1766200000000,
];
