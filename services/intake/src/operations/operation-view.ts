import type {
  Address,
  ExpectedPeople,
  LeadContact,
  OperationKind,
  OperationOutcome,
  OrganisationRef,
  PremisesKind,
} from '@harbour/contracts';
import type { Principal } from '@harbour/platform';
import type { OperationState } from '../domain/operation';
import { startWindow, type StartWindow } from '../domain/operation-window';
import type { OperationRecord } from './operation-repository';

/**
 * What GET /v1/operations/{id} shows its planner and coordinators: the whole current state,
 * decrypted. Restricted notes are the planner's alone.
 */
export interface OperationView {
  operationId: string;
  state: OperationState;
  revision: number;
  plannedBy: OrganisationRef;
  plannedAt: string;
  updatedAt: string;
  kind: OperationKind;
  premisesKind: PremisesKind;
  borough: string;
  address: Address;
  plannedStart: string;
  plannedEnd: string;
  timeZone: string;
  startWindow: StartWindow;
  expectedPeople: ExpectedPeople;
  childrenLikely: boolean;
  expectedLanguages: string[];
  exploitationTypes: string[];
  vulnerablePeopleLikely: boolean;
  leadContact: LeadContact;
  cancellation?: { cancelledAt: string; reason: string };
  outcome?: OperationOutcome & { recordedAt: string; restrictedNotes?: string };
}

/** The organisation that planned the operation: the only one that may change it. */
export function isPlanner(principal: Principal, operation: OperationRecord): boolean {
  return principal.organisationId === operation.plannedBy.organisationId;
}

/** The planner and coordinators may see an operation; to anyone else it does not exist. */
export function maySeeOperation(principal: Principal, operation: OperationRecord): boolean {
  return principal.organisationKind === 'coordinator' || isPlanner(principal, operation);
}

export function operationView(operation: OperationRecord, principal: Principal): OperationView {
  const { cancellation, outcome } = operation;
  const planner = isPlanner(principal, operation);
  return {
    operationId: operation.id,
    state: operation.state,
    revision: operation.revision,
    plannedBy: operation.plannedBy,
    plannedAt: operation.plannedAt.toISOString(),
    updatedAt: operation.updatedAt.toISOString(),
    kind: operation.kind,
    premisesKind: operation.premisesKind,
    borough: operation.borough,
    address: operation.address,
    plannedStart: operation.plannedStart.toISOString(),
    plannedEnd: operation.plannedEnd.toISOString(),
    timeZone: operation.timeZone,
    startWindow: startWindow(operation.plannedStart, operation.plannedEnd),
    expectedPeople: operation.expectedPeople,
    childrenLikely: operation.childrenLikely,
    expectedLanguages: operation.expectedLanguages,
    exploitationTypes: operation.exploitationTypes,
    vulnerablePeopleLikely: operation.vulnerablePeopleLikely,
    leadContact: operation.leadContact,
    ...(cancellation
      ? {
          cancellation: { cancelledAt: cancellation.at.toISOString(), reason: cancellation.reason },
        }
      : {}),
    ...(outcome
      ? {
          outcome: {
            ...outcome.outcome,
            recordedAt: outcome.recordedAt.toISOString(),
            ...(planner && outcome.restrictedNotes !== undefined
              ? { restrictedNotes: outcome.restrictedNotes }
              : {}),
          },
        }
      : {}),
  };
}
