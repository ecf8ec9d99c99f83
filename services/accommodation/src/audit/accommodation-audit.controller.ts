import { createAuditController } from '@harbour/platform';
import { AUDIT_LOGS } from '../tokens';

/** Accommodation's audit chain for the coordinator's administrators: who read personal data. */
export const AccommodationAuditController = createAuditController({
  chains: ['accommodation'],
  logs: AUDIT_LOGS,
  listAction: 'accommodation.audit.list',
  exportAction: 'accommodation.audit.export',
});
