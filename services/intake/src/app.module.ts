import { type DynamicModule, Module } from '@nestjs/common';
import {
  apiRateLimitOf,
  AuditLog,
  IdempotencyRecords,
  IdempotentTransaction,
  PersonalDataReads,
  PlatformModule,
} from '@harbour/platform';
import { IntakeAuditController } from './audit/intake-audit.controller';
import { BOROUGH_COUNTS, BoroughCounts } from './boroughs/borough-counts';
import { BoroughCountsController } from './boroughs/borough-counts.controller';
import { BedRequestRepository } from './bed-requests/bed-request-repository';
import { BedRequestsController } from './bed-requests/bed-requests.controller';
import { RecordBedRequest } from './bed-requests/record-bed-request';
import { SubmitBedRequest } from './bed-requests/submit-bed-request';
import { WithdrawBedRequest } from './bed-requests/withdraw-bed-request';
import type { BedRequestPolicy } from './domain/bed-request';
import type { IntakeRuntime } from './intake-runtime';
import { MissingEpisodeProgress } from './missing-episodes/missing-episode-progress';
import { MissingEpisodeRepository } from './missing-episodes/missing-episode-repository';
import { MissingEpisodesController } from './missing-episodes/missing-episodes.controller';
import { ReportMissingEpisode } from './missing-episodes/report-missing-episode';
import { OPERATION_LIST, OperationList } from './operations/operation-list';
import { OperationListController } from './operations/operation-list.controller';
import { OperationProgress } from './operations/operation-progress';
import { OperationRepository } from './operations/operation-repository';
import { OperationsController } from './operations/operations.controller';
import { PlanOperation } from './operations/plan-operation';
import { RecordReferralDecision } from './referrals/record-referral-decision';
import { ReferralRepository } from './referrals/referral-repository';
import { ReferralsController } from './referrals/referrals.controller';
import { SubmitReferral } from './referrals/submit-referral';
import {
  AUDIT_LOGS,
  BED_REQUEST_REPOSITORY,
  INTAKE_DATA_SOURCE,
  MISSING_EPISODE_PROGRESS,
  MISSING_EPISODE_REPOSITORY,
  OPERATION_PROGRESS,
  OPERATION_REPOSITORY,
  PERSONAL_DATA_READS,
  PLAN_OPERATION,
  RECORD_REFERRAL_DECISION,
  REFERRAL_REPOSITORY,
  REPORT_MISSING_EPISODE,
  SUBMIT_BED_REQUEST,
  SUBMIT_REFERRAL,
  WITHDRAW_BED_REQUEST,
} from './tokens';

@Module({})
export class IntakeModule {
  static register(runtime: IntakeRuntime): DynamicModule {
    const schema = runtime.config.INTAKE_DB_SCHEMA;
    const episodes = new MissingEpisodeRepository(schema, runtime.cipher);
    const referrals = new ReferralRepository(schema, runtime.cipher);
    const operations = new OperationRepository(schema, runtime.cipher);
    const bedRequests = new BedRequestRepository(schema, runtime.cipher);
    const recordBedRequest = new RecordBedRequest(bedRequests, runtime.outbox);
    const bedRequestPolicy: BedRequestPolicy = {
      tonightWindowHours: runtime.config.BED_REQUEST_TONIGHT_WINDOW_HOURS,
    };
    const transaction = new IdempotentTransaction(
      runtime.dataSource,
      runtime.relay,
      new IdempotencyRecords(schema),
    );
    const audit = new AuditLog(runtime.dataSource);
    const locationBase = runtime.config.PUBLIC_BASE_URL?.replace(/\/$/, '') ?? '';
    return {
      module: IntakeModule,
      imports: [
        PlatformModule.forRoot({
          service: 'intake',
          logger: runtime.logger,
          identity: runtime.identity,
          readiness: runtime.readiness,
          rateLimit: apiRateLimitOf(runtime.config),
          onShutdown: () => runtime.close(),
        }),
      ],
      controllers: [
        MissingEpisodesController,
        ReferralsController,
        OperationsController,
        OperationListController,
        BedRequestsController,
        IntakeAuditController,
        BoroughCountsController,
      ],
      providers: [
        { provide: INTAKE_DATA_SOURCE, useValue: runtime.dataSource },
        { provide: AUDIT_LOGS, useValue: { intake: audit } },
        {
          provide: PERSONAL_DATA_READS,
          useValue: new PersonalDataReads(runtime.dataSource, audit),
        },
        { provide: BOROUGH_COUNTS, useValue: new BoroughCounts(schema) },
        { provide: MISSING_EPISODE_REPOSITORY, useValue: episodes },
        {
          provide: REPORT_MISSING_EPISODE,
          useValue: new ReportMissingEpisode(
            transaction,
            episodes,
            { find: (manager, id) => referrals.findLinkable(manager, id) },
            runtime.outbox,
            locationBase,
          ),
        },
        { provide: REFERRAL_REPOSITORY, useValue: referrals },
        {
          provide: SUBMIT_REFERRAL,
          useValue: new SubmitReferral(
            transaction,
            referrals,
            runtime.outbox,
            recordBedRequest,
            bedRequestPolicy,
            locationBase,
          ),
        },
        {
          provide: RECORD_REFERRAL_DECISION,
          useValue: new RecordReferralDecision(
            transaction,
            referrals,
            runtime.outbox,
            locationBase,
          ),
        },
        {
          provide: MISSING_EPISODE_PROGRESS,
          useValue: new MissingEpisodeProgress(transaction, episodes, runtime.outbox),
        },
        { provide: OPERATION_REPOSITORY, useValue: operations },
        { provide: OPERATION_LIST, useValue: new OperationList(schema) },
        {
          provide: PLAN_OPERATION,
          useValue: new PlanOperation(transaction, operations, runtime.outbox, locationBase),
        },
        {
          provide: OPERATION_PROGRESS,
          useValue: new OperationProgress(transaction, operations, runtime.outbox, locationBase),
        },
        { provide: BED_REQUEST_REPOSITORY, useValue: bedRequests },
        {
          provide: SUBMIT_BED_REQUEST,
          useValue: new SubmitBedRequest(
            transaction,
            recordBedRequest,
            { find: (manager, id) => referrals.find(manager, id) },
            bedRequestPolicy,
            locationBase,
          ),
        },
        {
          provide: WITHDRAW_BED_REQUEST,
          useValue: new WithdrawBedRequest(transaction, bedRequests, runtime.outbox, locationBase),
        },
      ],
    };
  }
}
