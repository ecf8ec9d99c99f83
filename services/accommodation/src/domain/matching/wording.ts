import type { AccessNeed, BedNeeds, NrmStage, SupportLevel } from '@harbour/contracts';

/** The plain words the coordinator reads; one place so reasons and explanations agree. */

export const SUPPORT_LEVEL_WORDS: Readonly<Record<SupportLevel, string>> = {
  emergency: 'an emergency bed',
  safe_house: 'a safe house',
  move_on: 'move-on accommodation',
  dispersed: 'dispersed accommodation',
};

/** Completes "does not take people …". */
export const NRM_STAGE_WORDS: Readonly<Record<NrmStage, string>> = {
  pre_nrm: 'before NRM entry',
  recovery_period: 'in the NRM recovery period',
  post_cg_move_on: 'on move-on after a positive Conclusive Grounds decision',
  not_in_nrm: 'outside the NRM',
};

export const MISSING_ACCESS_WORDS: Readonly<Record<AccessNeed, string>> = {
  wheelchair: 'no wheelchair access',
  step_free: 'no step-free access',
};

/** "men", "women" or "people of any gender": who the person's gender needs a property to take. */
export function genderPeople(gender: BedNeeds['gender']): string {
  switch (gender) {
    case 'male':
      return 'men';
    case 'female':
      return 'women';
    case 'non_binary':
    case 'unknown':
      return 'people of any gender';
  }
}

/** "men's", "women's" or "mixed": the kind of bed the person's gender needs. */
export function genderBed(gender: BedNeeds['gender']): string {
  switch (gender) {
    case 'male':
      return "men's";
    case 'female':
      return "women's";
    case 'non_binary':
    case 'unknown':
      return 'mixed';
  }
}

/** "1 property", "3 properties". */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One decimal, as people read distances: 3.1 km. */
export function km(distance: number): string {
  return `${distance.toFixed(1)} km`;
}

/** "35 min", "2 h", "3 days": how long ago, to the unit a coordinator cares about. */
export function elapsed(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}
