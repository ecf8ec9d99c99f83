import type { DisclosureLevel } from '@harbour/contracts';
import type { DeliveryPurpose } from '../domain/delivery';
import { asDisclosureLevel } from '../domain/follow-up-stage';
import { maySeeStage } from '../domain/follow-up-disclosure';

/** What a delivery showed its recipient, as the audit log records it. */
export interface SentDelivery {
  /** `email` carries a notice at most; `webhook` what the recipient is cleared for. */
  channel: string;
  purpose: DeliveryPurpose;
  /** A follow-up's released level (`delivery.stage`). */
  stage: string | null;
  /** The alert's own disclosure level. */
  alertLevel: string;
  recipientKind: string;
}

/**
 * The disclosure level a sent delivery carried, mirroring how it was rendered: an e-mail never
 * carries more than a notice (the rest is shown behind its link, and audited when shown); to a
 * webhook, a follow-up shows its released stage, the alert and its escalations show the alert's
 * level to kinds cleared for it and the notice to everyone else; closure and supersession notices
 * carry the title only, never the summary lines (a notice).
 */
export function disclosedLevel(delivery: SentDelivery): DisclosureLevel {
  if (delivery.channel === 'email') return 'notice';
  switch (delivery.purpose) {
    case 'closure':
    case 'supersession':
      return 'notice';
    case 'follow_up':
      return asDisclosureLevel(delivery.stage) ?? 'notice';
    case 'alert':
    case 'escalation': {
      const level = asDisclosureLevel(delivery.alertLevel);
      return level !== null && maySeeStage(delivery.recipientKind, level) ? level : 'notice';
    }
  }
}

/** The audit action for a disclosure, or null for a notice (which is not audited). */
export function disclosureAction(
  level: DisclosureLevel,
): 'disclosure.operational' | 'disclosure.personal' | null {
  switch (level) {
    case 'notice':
      return null;
    case 'operational':
      return 'disclosure.operational';
    case 'personal':
      return 'disclosure.personal';
  }
}
