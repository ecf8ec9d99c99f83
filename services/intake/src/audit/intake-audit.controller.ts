import { createAuditController } from '@harbour/platform';
import { AUDIT_LOGS } from '../tokens';

/** Intake's audit chain for the coordinator's administrators: who read personal data, when. */
export const IntakeAuditController = createAuditController({
  chains: ['intake'],
  logs: AUDIT_LOGS,
  listAction: 'intake.audit.list',
  exportAction: 'intake.audit.export',
});
