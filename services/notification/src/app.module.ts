import { type DynamicModule, Module } from '@nestjs/common';
import { topics } from '@harbour/contracts';
import { createKafka } from '@harbour/messaging';
import { apiRateLimitOf, PersonalDataReads, PlatformModule } from '@harbour/platform';
import { AlertDeliveriesController } from './alerts/alert-deliveries.controller';
import { AlertDetailsReader } from './alerts/alert-details';
import { AlertDetailsController } from './alerts/alert-details.controller';
import { PartnerAlertsController } from './alerts/partner-alerts.controller';
import { PartnerAlertsRepository } from './alerts/partner-alerts-repository';
import { AuditController } from './audit/audit.controller';
import { DeadLetterDesk } from './dead-letters/dead-letter-desk';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import {
  ACKNOWLEDGEMENT_CONTROLLERS,
  acknowledgementProviders,
} from './acknowledgement/open-acknowledgements';
import { CauseAlertsController } from './causes/cause-alerts.controller';
import { CauseAlertsRepository } from './causes/cause-alerts-repository';
import type { NotificationRuntime } from './notification-runtime';
import { BoroughPartners } from './directory/borough-partners';
import { BoroughPartnersController } from './directory/borough-partners.controller';
import { DirectoryController } from './directory/directory.controller';
import {
  ALERT_REPOSITORY,
  AUDIT_LOGS,
  BOROUGH_PARTNERS,
  CAUSE_ALERTS_REPOSITORY,
  DEAD_LETTER_DESK,
  DELIVERY_REPOSITORY,
  DIRECTORY_STORES,
  NOTIFICATION_DATA_SOURCE,
  PARTNER_ALERTS_REPOSITORY,
  ALERT_DETAILS,
  PERSONAL_DATA_READS,
} from './tokens';

@Module({})
export class NotificationModule {
  static register(runtime: NotificationRuntime): DynamicModule {
    return {
      module: NotificationModule,
      imports: [
        PlatformModule.forRoot({
          service: 'notification',
          logger: runtime.logger,
          identity: runtime.identity,
          readiness: runtime.readiness,
          rateLimit: apiRateLimitOf(runtime.config),
          onShutdown: () => runtime.close(),
        }),
      ],
      controllers: [
        // Before AlertDeliveriesController, whose `v1/alerts/:alertId` would otherwise match first.
        PartnerAlertsController,
        AlertDeliveriesController,
        AlertDetailsController,
        CauseAlertsController,
        DirectoryController,
        BoroughPartnersController,
        AuditController,
        DeadLettersController,
        ...ACKNOWLEDGEMENT_CONTROLLERS,
      ],
      providers: [
        { provide: NOTIFICATION_DATA_SOURCE, useValue: runtime.dataSource },
        { provide: ALERT_REPOSITORY, useValue: runtime.alerts },
        { provide: DELIVERY_REPOSITORY, useValue: runtime.deliveries },
        { provide: AUDIT_LOGS, useValue: runtime.audit },
        {
          provide: PERSONAL_DATA_READS,
          useValue: new PersonalDataReads(runtime.dataSource, runtime.audit.notification),
        },
        {
          provide: CAUSE_ALERTS_REPOSITORY,
          useValue: new CauseAlertsRepository(runtime.dataSource, runtime.cipher),
        },
        { provide: ALERT_DETAILS, useValue: new AlertDetailsReader(runtime.dataSource) },
        {
          provide: PARTNER_ALERTS_REPOSITORY,
          useValue: new PartnerAlertsRepository(runtime.dataSource),
        },
        { provide: BOROUGH_PARTNERS, useValue: new BoroughPartners(runtime.dataSource) },
        ...acknowledgementProviders(runtime.acknowledgements),
        {
          provide: DEAD_LETTER_DESK,
          useValue: new DeadLetterDesk({
            kafka: createKafka({
              brokers: runtime.config.KAFKA_BROKERS,
              clientId: `${runtime.config.KAFKA_CLIENT_ID ?? 'harbour-notification'}-dead-letters`,
              logger: runtime.logger,
            }),
            dataSource: runtime.dataSource,
            audit: runtime.audit.notification,
            topics: Object.values(topics),
          }),
        },
        {
          provide: DIRECTORY_STORES,
          useValue: { identity: runtime.identity, directory: runtime.directory },
        },
      ],
    };
  }
}
