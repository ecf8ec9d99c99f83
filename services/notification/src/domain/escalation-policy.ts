import type { AlertRequested, OrganisationKind } from '@harbour/contracts';
import { isOrganisationKind } from '@harbour/platform';
import { PAN_LONDON } from './audience';

/**
 * One level of an escalation policy: who is alerted when nobody has acknowledged yet.
 *
 * `afterMinutes` counts from the previous level (the first level of the first round counts from
 * the alert's request). A level reaches
 * - the organisations of `roles` serving `boroughs` (default: the alert's own boroughs), resolved
 *   through the directory like an audience, and/or
 * - with `outOfHours`, the out-of-hours contacts of the organisations the alert already went to.
 */
export interface EscalationLevel {
  afterMinutes: number;
  roles?: OrganisationKind[];
  /** GSS codes, or exactly `['pan_london']`. */
  boroughs?: string[];
  outOfHours?: boolean;
}

/**
 * Levels fire in order until a human acknowledges; the whole sequence runs `repeat + 1` times.
 * A superset of the contract's `EscalationPolicy` (which has no `outOfHours`); this is what is
 * snapshotted onto the alert.
 */
export interface EscalationPolicy {
  levels: EscalationLevel[];
  repeat: number;
  /** Where the policy came from: the alert request's snapshot, or the default of a severity. */
  origin: 'request' | `default:${AlertRequested['severity']}`;
}

/** Where a timer stands in a policy: `level` (0-based) of round `loop` (0-based). */
export interface EscalationStep {
  level: number;
  loop: number;
}

const PAN_LONDON_SCOPE = [PAN_LONDON];

/**
 * The policy of an alert that came without one. Critical: at the acknowledge-by time, the
 * out-of-hours contacts of the organisations alerted plus the coordinator; 15 minutes later the
 * specialist police units and the coordinator, pan-London; the whole sequence twice more.
 * High: the same levels, 30 minutes apart, once more. Informational alerts do not escalate.
 */
export function defaultEscalationPolicy(
  severity: AlertRequested['severity'],
  acknowledgeWithinMinutes: number,
): EscalationPolicy | null {
  const levels = (gapMinutes: number): EscalationLevel[] => [
    {
      afterMinutes: acknowledgeWithinMinutes,
      outOfHours: true,
      roles: ['coordinator'],
      boroughs: PAN_LONDON_SCOPE,
    },
    {
      afterMinutes: gapMinutes,
      roles: ['police_specialist', 'coordinator'],
      boroughs: PAN_LONDON_SCOPE,
    },
  ];
  switch (severity) {
    case 'critical':
      return { levels: levels(15), repeat: 2, origin: 'default:critical' };
    case 'high':
      return { levels: levels(30), repeat: 1, origin: 'default:high' };
    case 'informational':
      return null;
  }
}

/** The policy an alert escalates by: its own snapshot when it carries one, else its severity's default. */
export function escalationPolicyOf(alert: AlertRequested): EscalationPolicy | null {
  const snapshot = alert.escalationPolicy;
  if (snapshot === undefined) {
    return defaultEscalationPolicy(alert.severity, alert.acknowledgeWithinMinutes);
  }
  return {
    levels: snapshot.levels.map((level) => ({
      afterMinutes: level.afterMinutes,
      roles: [...level.roles],
      ...(level.boroughs !== undefined ? { boroughs: [...level.boroughs] } : {}),
    })),
    repeat: snapshot.repeat,
    origin: 'request',
  };
}

/** The step after `step`: the next level, or the first level of the next round; null when the policy is exhausted. */
export function nextEscalationStep(
  policy: EscalationPolicy,
  step: EscalationStep,
): EscalationStep | null {
  if (step.level + 1 < policy.levels.length) return { level: step.level + 1, loop: step.loop };
  if (step.loop < policy.repeat) return { level: 0, loop: step.loop + 1 };
  return null;
}

/** The level a step fires; throws when the step is outside the policy (a corrupt snapshot). */
export function escalationLevelAt(policy: EscalationPolicy, step: EscalationStep): EscalationLevel {
  const level = policy.levels[step.level];
  if (level === undefined || step.loop > policy.repeat) {
    throw new Error(`escalation step ${step.level}/${step.loop} is outside the policy`);
  }
  return level;
}

/** How a step is named to people and in the delivery log: levels 1-based, rounds 0-based (as in `harbour.alert.escalated`). */
export function escalationLabel(step: EscalationStep): string {
  return `escalation level=${step.level + 1} round=${step.loop}`;
}

/**
 * Reads a policy back from the alert row's `escalation_policy` (this module's snapshot, or the
 * contract's shape as the request carried it). Null when there is none or it is malformed.
 */
export function readEscalationPolicy(value: unknown): EscalationPolicy | null {
  if (!isRecord(value) || !Array.isArray(value['levels']) || value['levels'].length === 0) {
    return null;
  }
  const repeat = value['repeat'];
  if (typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 0) return null;
  const levels: EscalationLevel[] = [];
  for (const raw of value['levels'] as unknown[]) {
    const level = readLevel(raw);
    if (level === null) return null;
    levels.push(level);
  }
  const origin = value['origin'];
  return {
    levels,
    repeat,
    origin:
      origin === 'default:critical' ||
      origin === 'default:high' ||
      origin === 'default:informational'
        ? origin
        : 'request',
  };
}

function readLevel(raw: unknown): EscalationLevel | null {
  if (!isRecord(raw)) return null;
  const { afterMinutes, roles, boroughs, outOfHours } = raw;
  if (typeof afterMinutes !== 'number' || !(afterMinutes >= 0)) return null;
  if (roles !== undefined && !isKindArray(roles)) return null;
  if (boroughs !== undefined && !isStringArray(boroughs)) return null;
  if (outOfHours !== undefined && typeof outOfHours !== 'boolean') return null;
  if ((roles === undefined || roles.length === 0) && outOfHours !== true) return null;
  return {
    afterMinutes,
    ...(roles !== undefined ? { roles } : {}),
    ...(boroughs !== undefined ? { boroughs } : {}),
    ...(outOfHours !== undefined ? { outOfHours } : {}),
  };
}

function isKindArray(value: unknown): value is OrganisationKind[] {
  return Array.isArray(value) && value.every((item) => isOrganisationKind(item));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
