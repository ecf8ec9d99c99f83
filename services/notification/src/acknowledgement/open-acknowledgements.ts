import type { Kickable, Outbox } from '@harbour/messaging';
import type { FieldCipher, Logger } from '@harbour/platform';
import type { Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AcknowledgeAlert } from './acknowledge-alert';
import { AcknowledgementLinkController } from './acknowledgement-link.controller';
import { AcknowledgementLinks } from './acknowledgement-links';
import { AcknowledgementRepository } from './acknowledgement-repository';
import { ACKNOWLEDGEMENTS } from './acknowledgement-tokens';
import { DeliveryDetails } from './delivery-details';
import { AlertAcknowledgementsController } from './alert-acknowledgements.controller';

/** Acknowledgement links, their recording, and the SQL behind them, built once per process. */
export interface Acknowledgements {
  /** Channels call `links.acknowledgeUrlFor(...)` when they render a delivery. */
  links: AcknowledgementLinks;
  acknowledge: AcknowledgeAlert;
  /** What a delivery's e-mail left out, shown (and audited) behind its link. */
  details: DeliveryDetails;
  repository: AcknowledgementRepository;
}

export interface OpenAcknowledgementsOptions {
  config: {
    NOTIFICATION_ACK_SECRET: string;
    NOTIFICATION_PUBLIC_URL: string;
    NOTIFICATION_ACK_GRACE_MINUTES: number;
  };
  dataSource: DataSource;
  /** Encrypts partners' responses at rest (the service's `DATA_ENCRYPTION_KEY`). */
  cipher: FieldCipher;
  outbox: Outbox;
  relay: Kickable;
  logger: Logger;
}

/** What the runtime constructs: no connections of its own, nothing to close. */
export function openAcknowledgements(options: OpenAcknowledgementsOptions): Acknowledgements {
  const links = new AcknowledgementLinks({
    secret: options.config.NOTIFICATION_ACK_SECRET,
    publicUrl: options.config.NOTIFICATION_PUBLIC_URL,
    graceMinutes: options.config.NOTIFICATION_ACK_GRACE_MINUTES,
  });
  const repository = new AcknowledgementRepository(options.dataSource, options.cipher);
  const acknowledge = new AcknowledgeAlert({
    dataSource: options.dataSource,
    repository,
    links,
    outbox: options.outbox,
    relay: options.relay,
    logger: options.logger,
  });
  const details = new DeliveryDetails({
    dataSource: options.dataSource,
    links,
    acknowledgements: repository,
  });
  return { links, acknowledge, details, repository };
}

/** The controllers to add to the Nest module. */
export const ACKNOWLEDGEMENT_CONTROLLERS = [
  AcknowledgementLinkController,
  AlertAcknowledgementsController,
];

/** The providers to add to the Nest module. */
export function acknowledgementProviders(acknowledgements: Acknowledgements): Provider[] {
  return [{ provide: ACKNOWLEDGEMENTS, useValue: acknowledgements }];
}
