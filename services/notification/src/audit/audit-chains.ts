import type { AuditLog } from '@harbour/platform';

/**
 * The audit chains a coordinator reads through notification: its own (disclosures,
 * acknowledgements, directory changes) and the shared identity store's (keys, organisations).
 */
export interface AuditChains {
  notification: AuditLog;
  identity: AuditLog;
}

export const AUDIT_CHAIN_NAMES = [
  'notification',
  'identity',
] as const satisfies readonly (keyof AuditChains)[];
export type AuditChainName = (typeof AUDIT_CHAIN_NAMES)[number];
