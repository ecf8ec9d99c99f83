import type { Logger } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { DeliveryRepository } from '../delivery/delivery-repository';
import type { DirectoryRepository } from '../directory/directory-repository';
import type { EscalationTimers } from '../escalation/escalation-timers';
import type { AlertRepository } from './alert-repository';

/** What the alert topic's handlers work with; each takes the part it needs. */
export interface AlertHandlerOptions {
  dataSource: DataSource;
  alerts: AlertRepository;
  directory: DirectoryRepository;
  deliveries: DeliveryRepository;
  /** Where alerts schedule and cancel their escalation, in the consumer's transaction. */
  escalation: EscalationTimers;
  logger: Logger;
}
