import { createAuditController } from '@harbour/platform';
import { AUDIT_LOGS } from '../tokens';
import { AUDIT_CHAIN_NAMES } from './audit-chains';

/**
 * The audit logs, for the coordinator's administrators only: what was disclosed to whom under
 * which rule, acknowledgements, reads of personal data, keys and directory changes. Entries
 * hold ids, never personal data; `chain=identity` reads the identity store's chain (keys,
 * organisations).
 */
export const AuditController = createAuditController({
  chains: AUDIT_CHAIN_NAMES,
  logs: AUDIT_LOGS,
  listAction: 'notification.audit.list',
  exportAction: 'notification.audit.export',
});
