import type { BedNeeds, NrmStage, SupportLevel } from '@harbour/contracts';
import type { BedCandidate } from './bed-candidate';
import type { ZoneStanding } from './exclusion-zones';
import { MISSING_ACCESS_WORDS, NRM_STAGE_WORDS, SUPPORT_LEVEL_WORDS, count } from './wording';

/**
 * The hard constraints, one bit each, so checking a candidate allocates nothing and a caller can
 * tell exactly which constraints a property failed (explanations count near misses from these).
 */
export const Constraint = {
  freeBed: 1,
  gender: 2,
  age: 4,
  children: 8,
  access: 16,
  supportLevel: 32,
  nrmStage: 64,
  nrpf: 128,
  exclusionZone: 256,
} as const;
export type Constraint = (typeof Constraint)[keyof typeof Constraint];

/** The constraints in the order their reasons are listed. */
export const CONSTRAINTS: readonly Constraint[] = Object.values(Constraint);

/** Which support levels meet a need: a safe house can take an emergency, not the reverse. */
const ACCEPTABLE_SUPPORT: Readonly<Record<SupportLevel, readonly SupportLevel[]>> = {
  emergency: ['emergency', 'safe_house'],
  safe_house: ['safe_house'],
  move_on: ['move_on', 'dispersed'],
  dispersed: ['dispersed', 'move_on'],
};

const SUPPORT_LEVELS = Object.keys(ACCEPTABLE_SUPPORT) as SupportLevel[];

/** Reasons written once at load: thousands of excluded properties share a handful of strings. */
const SUPPORT_LEVEL_REASONS = Object.fromEntries(
  SUPPORT_LEVELS.map((needed) => [
    needed,
    Object.fromEntries(
      SUPPORT_LEVELS.map((offered) => [
        offered,
        `offers ${SUPPORT_LEVEL_WORDS[offered]}, not ${SUPPORT_LEVEL_WORDS[needed]}`,
      ]),
    ),
  ]),
) as Readonly<Record<SupportLevel, Readonly<Record<SupportLevel, string>>>>;

const NRM_STAGE_REASONS = Object.fromEntries(
  Object.entries(NRM_STAGE_WORDS).map(([stage, words]) => [stage, `does not take people ${words}`]),
) as Readonly<Record<NrmStage, string>>;

/**
 * Never a man in a women-only property, nor a woman in a men-only one; someone non-binary or of
 * unrecorded gender only in a mixed property.
 */
function genderFits(needs: BedNeeds, candidate: BedCandidate): boolean {
  switch (needs.gender) {
    case 'female':
      return candidate.genderServed === 'female' || candidate.genderServed === 'any';
    case 'male':
      return candidate.genderServed === 'male' || candidate.genderServed === 'any';
    case 'non_binary':
    case 'unknown':
      return candidate.genderServed === 'any';
  }
}

/** An under-16 is never placed here: that is a local authority placement. */
function ageFits(needs: BedNeeds, candidate: BedCandidate): boolean {
  switch (needs.ageGroup) {
    case 'adult':
      return (
        candidate.ages.includes('adult') ||
        (needs.accompanyingChildren > 0 && candidate.ages.includes('family'))
      );
    case 'child_16_17':
      return candidate.ages.includes('child_16_17');
    case 'child_under_16':
      return false;
  }
}

function accessFits(needs: BedNeeds, candidate: BedCandidate): boolean {
  for (const need of needs.accessNeeds) {
    if (!candidate.accessibility.includes(need)) return false;
  }
  return true;
}

/** The bits of every hard constraint `candidate` fails; 0 when it may be offered. */
export function failedConstraints(
  needs: BedNeeds,
  candidate: BedCandidate,
  zone: ZoneStanding,
): number {
  let failed = 0;
  if (!(candidate.freeBeds >= 1)) failed |= Constraint.freeBed;
  if (!genderFits(needs, candidate)) failed |= Constraint.gender;
  if (!ageFits(needs, candidate)) failed |= Constraint.age;
  if (
    needs.accompanyingChildren > 0 &&
    (!candidate.ages.includes('family') || candidate.childrenAccepted < needs.accompanyingChildren)
  ) {
    failed |= Constraint.children;
  }
  if (!accessFits(needs, candidate)) failed |= Constraint.access;
  if (!ACCEPTABLE_SUPPORT[needs.supportLevel].includes(candidate.supportLevel)) {
    failed |= Constraint.supportLevel;
  }
  if (!candidate.nrmStages.includes(needs.nrmStage)) failed |= Constraint.nrmStage;
  if (needs.nrpf && !candidate.nrpfAccepted) failed |= Constraint.nrpf;
  if (zone.inside !== undefined) failed |= Constraint.exclusionZone;
  return failed;
}

/** The plain-English reason for one failed constraint of one property. */
export function constraintReason(
  constraint: Constraint,
  needs: BedNeeds,
  candidate: BedCandidate,
  zone: ZoneStanding,
): string {
  switch (constraint) {
    case Constraint.freeBed:
      return 'no free bed';
    case Constraint.gender:
      if (candidate.genderServed === 'female') return 'women-only property';
      if (candidate.genderServed === 'male') return 'men-only property';
      return 'gender not served';
    case Constraint.age:
      if (needs.ageGroup === 'child_under_16') return 'under 16: a local authority placement';
      if (needs.ageGroup === 'child_16_17') return 'does not take 16–17-year-olds';
      return candidate.ages.includes('family')
        ? 'takes adults only with accompanying children'
        : 'does not take adults';
    case Constraint.children:
      if (!candidate.ages.includes('family')) return 'does not take families with children';
      return `takes at most ${count(candidate.childrenAccepted, 'accompanying child', 'accompanying children')}, ${needs.accompanyingChildren} needed`;
    case Constraint.access:
      return needs.accessNeeds
        .filter((need) => !candidate.accessibility.includes(need))
        .map((need) => MISSING_ACCESS_WORDS[need])
        .join(', ');
    case Constraint.supportLevel:
      return SUPPORT_LEVEL_REASONS[needs.supportLevel][candidate.supportLevel];
    case Constraint.nrmStage:
      return NRM_STAGE_REASONS[needs.nrmStage];
    case Constraint.nrpf:
      return 'does not take people with no recourse to public funds (NRPF)';
    case Constraint.exclusionZone:
      return zone.inside ?? 'inside the exclusion zone';
  }
}

/** Every failed constraint's reason, in the order the constraints are listed. */
export function constraintReasons(
  failed: number,
  needs: BedNeeds,
  candidate: BedCandidate,
  zone: ZoneStanding,
): string[] {
  const reasons: string[] = [];
  for (const constraint of CONSTRAINTS) {
    if ((failed & constraint) !== 0)
      reasons.push(constraintReason(constraint, needs, candidate, zone));
  }
  return reasons;
}
