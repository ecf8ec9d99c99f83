import { createAuditController } from '@harbour/platform';
import { AUDIT_LOGS } from '../tokens';

/** Safeguarding's audit chain (its retention purge runs) for the coordinator's administrators. */
export const SafeguardingAuditController = createAuditController({
  chains: ['safeguarding'],
  logs: AUDIT_LOGS,
  listAction: 'safeguarding.audit.list',
  exportAction: 'safeguarding.audit.export',
});
