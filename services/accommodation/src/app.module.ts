import { type DynamicModule, Module } from '@nestjs/common';
import { apiRateLimitOf, AuditLog, PersonalDataReads, PlatformModule } from '@harbour/platform';
import type { AccommodationRuntime } from './accommodation-runtime';
import { AccommodationAuditController } from './audit/accommodation-audit.controller';
import { CoordinatorDeskController } from './desk/coordinator-desk.controller';
import { WaitingRequests } from './desk/unmatched-requests';
import { OffersController } from './offers/offers.controller';
import { PlacementsController } from './placements/placements.controller';
import { PropertiesController } from './properties/properties.controller';
import { BedRequestsController } from './requests/bed-requests.controller';
import {
  ACCOMMODATION_DATA_SOURCE,
  AUDIT_LOGS,
  BED_REQUEST_READS,
  COORDINATOR_DESK,
  OFFER_DECISIONS,
  OFFER_STORE,
  PERSONAL_DATA_READS,
  PLACEMENT_READS,
  PROPERTY_COMMANDS,
  PROPERTY_STORE,
  STALE_AFTER_HOURS,
} from './tokens';

/** Properties, offers, placements and bed requests over REST; the consumer and timers run in the runtime. */
@Module({})
export class AccommodationModule {
  static register(runtime: AccommodationRuntime): DynamicModule {
    const audit = new AuditLog(runtime.dataSource);
    return {
      module: AccommodationModule,
      imports: [
        PlatformModule.forRoot({
          service: 'accommodation',
          logger: runtime.logger,
          identity: runtime.identity,
          readiness: runtime.readiness,
          rateLimit: apiRateLimitOf(runtime.config),
          onShutdown: () => runtime.close(),
        }),
      ],
      controllers: [
        PropertiesController,
        OffersController,
        PlacementsController,
        BedRequestsController,
        AccommodationAuditController,
        CoordinatorDeskController,
      ],
      providers: [
        { provide: ACCOMMODATION_DATA_SOURCE, useValue: runtime.dataSource },
        { provide: AUDIT_LOGS, useValue: { accommodation: audit } },
        {
          provide: PERSONAL_DATA_READS,
          useValue: new PersonalDataReads(runtime.dataSource, audit),
        },
        { provide: STALE_AFTER_HOURS, useValue: runtime.config.ACCOMMODATION_STALE_AFTER_HOURS },
        { provide: PROPERTY_STORE, useValue: runtime.properties },
        { provide: PROPERTY_COMMANDS, useValue: runtime.propertyCommands },
        { provide: OFFER_STORE, useValue: runtime.offers },
        { provide: OFFER_DECISIONS, useValue: runtime.decideOffer },
        {
          provide: PLACEMENT_READS,
          useValue: { placements: runtime.placements, requests: runtime.requests },
        },
        {
          provide: BED_REQUEST_READS,
          useValue: {
            requests: runtime.requests,
            offers: runtime.offers,
            placements: runtime.placements,
            properties: runtime.properties,
            rounds: runtime.rounds,
          },
        },
        {
          provide: COORDINATOR_DESK,
          useValue: {
            properties: runtime.properties,
            waiting: new WaitingRequests(runtime.config.ACCOMMODATION_DB_SCHEMA),
            identity: runtime.identity,
            staleAfterHours: runtime.config.ACCOMMODATION_STALE_AFTER_HOURS,
          },
        },
      ],
    };
  }
}
