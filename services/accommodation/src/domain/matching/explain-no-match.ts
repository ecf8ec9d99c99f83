import type { BedNeeds } from '@harbour/contracts';
import { LONDON_AUTHORITIES } from '@harbour/london';
import { measureExclusionZones } from './exclusion-zones';
import { CONSTRAINTS, Constraint, failedConstraints } from './hard-constraints';
import type { MatchOutcome, MatchRequest } from './match-outcome';
import {
  MISSING_ACCESS_WORDS,
  NRM_STAGE_WORDS,
  SUPPORT_LEVEL_WORDS,
  count,
  genderBed,
  genderPeople,
} from './wording';

/** The unmatched event carries at most 20 lines. */
const MAX_LINES = 20;

/** How a property that fails several constraints is counted in the summary line. */
const FAILING_WORDS: Readonly<Record<Constraint, string>> = {
  [Constraint.freeBed]: 'with no free bed',
  [Constraint.gender]: 'for another gender',
  [Constraint.age]: 'not taking this age group',
  [Constraint.children]: 'not taking the children',
  [Constraint.access]: 'without the access needed',
  [Constraint.supportLevel]: 'at another support level',
  [Constraint.nrmStage]: 'not taking this NRM stage',
  [Constraint.nrpf]: 'not taking NRPF',
  [Constraint.exclusionZone]: 'inside the exclusion zone',
};

function isSingleConstraint(failed: number): failed is Constraint {
  return failed !== 0 && (failed & (failed - 1)) === 0;
}

/**
 * One line for the properties that fail only `constraint`: what the coordinator could change
 * (wait for a bed, narrow the zone, fund NRPF…) to place the person there.
 */
function nearMiss(constraint: Constraint, n: number, needs: BedNeeds): string {
  const properties = count(n, 'property', 'properties');
  const takes = `${properties} ${n === 1 ? 'takes' : 'take'} ${genderPeople(needs.gender)} but`;
  switch (constraint) {
    case Constraint.freeBed:
      return `no free bed at ${count(n, 'matching property', 'matching properties')}`;
    case Constraint.exclusionZone:
      return `${properties} with a free ${genderBed(needs.gender)} bed ${n === 1 ? 'is' : 'are'} inside the exclusion zone`;
    case Constraint.nrpf:
      return `${takes} not NRPF`;
    case Constraint.age:
      if (needs.ageGroup === 'child_16_17') return `${takes} not 16–17-year-olds`;
      return `${takes} not adults${needs.accompanyingChildren === 0 ? ' without children' : ''}`;
    case Constraint.children:
      return `${takes} not ${count(needs.accompanyingChildren, 'accompanying child', 'accompanying children')}`;
    case Constraint.access:
      return `${takes} ${n === 1 ? 'has' : 'have'} ${needs.accessNeeds.map((need) => MISSING_ACCESS_WORDS[need]).join(' or ')}`;
    case Constraint.supportLevel:
      return `${takes} ${n === 1 ? 'does' : 'do'} not offer ${SUPPORT_LEVEL_WORDS[needs.supportLevel]}`;
    case Constraint.nrmStage:
      return `${takes} not people ${NRM_STAGE_WORDS[needs.nrmStage]}`;
    case Constraint.gender:
      return `${properties} would match but ${n === 1 ? 'is' : 'are'} for another gender`;
  }
}

function noGenderSupply(gender: BedNeeds['gender']): string {
  switch (gender) {
    case 'male':
      return "no men's or mixed beds in London";
    case 'female':
      return "no women's or mixed beds in London";
    case 'non_binary':
    case 'unknown':
      return 'no mixed beds in London (only a mixed property can take someone non-binary or of unrecorded gender)';
  }
}

/**
 * Why nobody could be placed, in lines a coordinator can act on: the supply for this person's
 * gender, the properties that fail a single need (the ones worth a phone call), the rest counted
 * by need, and how much of London the exclusion zones cover. Also useful when properties did
 * match but every provider asked declined or let the hold expire: the lines then say what
 * matched and what else came close. Counts only: no property labels, no personal data.
 */
export function explainNoMatch(request: MatchRequest, outcome: MatchOutcome): string[] {
  const { needs } = request;
  if (needs.ageGroup === 'child_under_16') {
    return [
      "under 16: a local authority placement, not a bed from this directory; refer to the local authority's children's services",
    ];
  }
  const total = outcome.ranked.length + outcome.excluded.length;
  if (total === 0) return ['no properties are registered in the directory'];

  const zones = measureExclusionZones(request.exclusionZones);
  const failures = outcome.excluded.map(({ candidate }) =>
    failedConstraints(needs, candidate, zones.standing(candidate.borough)),
  );
  const forGender =
    outcome.ranked.length + failures.filter((f) => (f & Constraint.gender) === 0).length;
  const people = genderPeople(needs.gender);
  const lines: string[] = [];

  if (outcome.ranked.length > 0) {
    const providers = new Set(
      outcome.ranked.map(({ candidate }) => candidate.providerOrganisationId),
    );
    lines.push(
      `${count(outcome.ranked.length, 'property', 'properties')} at ${count(providers.size, 'provider', 'providers')} matched every need`,
    );
    const stale = outcome.ranked.filter(({ stale }) => stale).length;
    if (stale > 0) {
      lines.push(`${stale} of them had availability that was not recently confirmed`);
    }
    const unanswering = new Set(
      outcome.ranked
        .filter(
          ({ candidate: { history } }) =>
            history.offers >= 2 && 2 * history.expired >= history.offers,
        )
        .map(({ candidate }) => candidate.providerOrganisationId),
    );
    if (unanswering.size > 0) {
      lines.push(
        `${count(unanswering.size, 'matching provider lets', 'matching providers let')} at least half of ${unanswering.size === 1 ? 'its' : 'their'} offers expire unanswered`,
      );
    }
  } else if (forGender === 0) {
    lines.push(noGenderSupply(needs.gender));
  } else {
    lines.push(
      `none of the ${count(total, 'property', 'properties')} in the directory matched; ${forGender} ${forGender === 1 ? 'takes' : 'take'} ${people}`,
    );
  }

  const nearMisses = new Map<Constraint, number>();
  const several = new Map<Constraint, number>();
  let severalProperties = 0;
  for (const failed of failures) {
    if ((failed & Constraint.gender) !== 0) continue;
    if (isSingleConstraint(failed)) {
      nearMisses.set(failed, (nearMisses.get(failed) ?? 0) + 1);
      continue;
    }
    severalProperties++;
    for (const constraint of CONSTRAINTS) {
      if ((failed & constraint) !== 0) several.set(constraint, (several.get(constraint) ?? 0) + 1);
    }
  }
  for (const [constraint, n] of [...nearMisses].sort(([, a], [, b]) => b - a)) {
    lines.push(nearMiss(constraint, n, needs));
  }
  if (severalProperties > 0) {
    const parts = [...several]
      .sort(([, a], [, b]) => b - a)
      .map(([constraint, n]) => `${n} ${FAILING_WORDS[constraint]}`);
    lines.push(
      `${count(severalProperties, 'other property', 'other properties')} taking ${people} ${severalProperties === 1 ? 'fails' : 'fail'} more than one need: ${parts.join(', ')}`,
    );
  }

  const zoneExcluded = failures.some((f) => (f & Constraint.exclusionZone) !== 0);
  if (zoneExcluded) {
    const covered = LONDON_AUTHORITIES.filter(
      ({ gss }) => zones.standing(gss).inside !== undefined,
    ).length;
    lines.push(
      `the exclusion zones cover ${covered} of the ${LONDON_AUTHORITIES.length} London boroughs`,
    );
  }
  return lines.slice(0, MAX_LINES);
}
