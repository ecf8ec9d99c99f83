import { CreateNotification1764400000000 } from './1764400000000-create-notification';
import { PartnerNotification1764500000000 } from './1764500000000-partner-notification';
import { AlertStages1764600000000 } from './1764600000000-alert-stages';
import { AlertClosure1764700000000 } from './1764700000000-alert-closure';
import { AlertCauseOwner1764900000000 } from './1764900000000-alert-cause-owner';
import { AuditLog1765100000000 } from './1765100000000-audit-log';
import { NotificationRetention1765400000000 } from './1765400000000-notification-retention';
import { EncryptedSecretsAndReplies1765450000000 } from './1765450000000-encrypted-secrets-and-replies';
import { DeliveryOrganisationIndex1766300000000 } from './1766300000000-delivery-organisation-index';

/** Every notification migration, oldest first. Append; never edit one that has shipped. */
export const NOTIFICATION_MIGRATIONS = [
  CreateNotification1764400000000,
  PartnerNotification1764500000000,
  AlertStages1764600000000,
  AlertClosure1764700000000,
  AlertCauseOwner1764900000000,
  AuditLog1765100000000,
  NotificationRetention1765400000000,
  EncryptedSecretsAndReplies1765450000000,
  DeliveryOrganisationIndex1766300000000,
];
