import type {
  AccessNeed,
  BedNeeds,
  BedUrgency,
  Gender,
  NrmStage,
  SupportLevel,
} from '@harbour/contracts';
import { formatLondonTime } from '@harbour/london';
import type { SummaryLine } from './alert-decision';
import { describeLanguages } from './operation-notice';

/**
 * A bed request's needs in words partners read. Never a name or a date of birth (the needs carry
 * neither); an adult's exact age is shown only as a band (`30s`), a child's only as the group.
 */

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

/** At most this many languages are named in a title (it has 200 characters); the lines name all. */
const TITLE_LANGUAGES = 3;

type AgeGroup = BedNeeds['ageGroup'];

const PERSON_WORDS: Record<AgeGroup, Record<Gender, string>> = {
  adult: { male: 'man', female: 'woman', non_binary: 'non-binary adult', unknown: 'adult' },
  child_16_17: {
    male: 'boy',
    female: 'girl',
    non_binary: 'non-binary young person',
    unknown: 'young person',
  },
  child_under_16: {
    male: 'boy',
    female: 'girl',
    non_binary: 'non-binary child',
    unknown: 'child',
  },
};

const AGE_GROUP_WORDS: Record<AgeGroup, string> = {
  adult: 'adult',
  child_16_17: 'child, 16–17',
  child_under_16: 'child, under 16',
};

const CHILD_BANDS: Record<Exclude<AgeGroup, 'adult'>, string> = {
  child_16_17: '16–17',
  child_under_16: 'under 16',
};

const GENDER_WORDS: Record<Gender, string> = {
  male: 'male',
  female: 'female',
  non_binary: 'non-binary',
  unknown: 'not recorded',
};

const ACCESS_WORDS: Record<AccessNeed, string> = {
  wheelchair: 'wheelchair accessible',
  step_free: 'step-free access',
};

const SUPPORT_WORDS: Record<SupportLevel, string> = {
  emergency: 'emergency bed',
  safe_house: 'NRM safe house',
  move_on: 'move-on accommodation',
  dispersed: 'dispersed (self-contained, light support)',
};

const NRM_STAGE_WORDS: Record<NrmStage, string> = {
  pre_nrm: 'not yet referred into the NRM (pre-NRM)',
  recovery_period: 'in the NRM recovery period',
  post_cg_move_on: 'move-on after a positive Conclusive Grounds decision',
  not_in_nrm: 'not in the NRM',
};

const URGENCY_WORDS: Record<BedUrgency['kind'], string> = {
  tonight: 'tonight',
  within_days: 'within days',
  planned: 'planned move-on',
};

/** `tonight`, `within days` or `planned move-on`. */
export function urgencyWords(urgency: BedUrgency): string {
  return URGENCY_WORDS[urgency.kind];
}

/** An adult's age as a band: `18–19`, `30s`; undefined when unknown or not an adult's age. */
export function adultAgeBand(ageYears: number | undefined): string | undefined {
  if (ageYears === undefined || ageYears < 18) return undefined;
  if (ageYears < 20) return '18–19';
  return `${Math.floor(ageYears / 10) * 10}s`;
}

function ageBand(needs: BedNeeds): string | undefined {
  return needs.ageGroup === 'adult' ? adultAgeBand(needs.ageYears) : CHILD_BANDS[needs.ageGroup];
}

function languageName(code: string): string {
  const name = LANGUAGE_NAMES.of(code);
  return name === undefined || name === code ? code : name;
}

function inWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** `Albanian speaker`, `Albanian and Romanian speaker`; past three, `… and 2 other languages`. */
function speakerWords(languages: readonly string[]): string | undefined {
  if (languages.length === 0) return undefined;
  const named = languages.slice(0, TITLE_LANGUAGES).map(languageName);
  const others = languages.length - named.length;
  const list =
    others > 0
      ? `${named.join(', ')} and ${others} other language${others === 1 ? '' : 's'}`
      : inWords(named);
  return `${list} speaker`;
}

function childrenWords(count: number): string | undefined {
  if (count === 0) return undefined;
  return `with ${count} ${count === 1 ? 'child' : 'children'}`;
}

/** The person in a few words for a title: `man, 30s`, `girl, 16–17` (gender and age group only). */
export function describePerson(needs: BedNeeds): string {
  const band = ageBand(needs);
  return [PERSON_WORDS[needs.ageGroup][needs.gender], band]
    .filter((p) => p !== undefined)
    .join(', ');
}

/**
 * The person and what matters most for a bed, for a title: `man, 30s, Albanian speaker`,
 * `woman, 20s, with 2 children, Romanian speaker`.
 */
export function describeBedNeed(needs: BedNeeds): string {
  return [
    describePerson(needs),
    childrenWords(needs.accompanyingChildren),
    speakerWords(needs.languages),
  ]
    .filter((p) => p !== undefined)
    .join(', ');
}

/** `tonight, by Wed, 1 Jul 2026, 23:59 BST`. */
export function describeUrgency(urgency: BedUrgency): string {
  return `${urgencyWords(urgency)}, by ${formatLondonTime(urgency.neededBy)}`;
}

/** Every need in words, one line each, in a fixed order (the provider checks them against the bed). */
export function bedNeedsLines(needs: BedNeeds, urgency: BedUrgency): SummaryLine[] {
  const band = ageBand(needs);
  const ageGroup =
    needs.ageGroup === 'adult' && band !== undefined
      ? `adult (${band})`
      : AGE_GROUP_WORDS[needs.ageGroup];
  return [
    { label: 'Needed', value: describeUrgency(urgency) },
    { label: 'Gender', value: GENDER_WORDS[needs.gender] },
    { label: 'Age group', value: ageGroup },
    {
      label: 'Accompanying children',
      value: needs.accompanyingChildren === 0 ? 'none' : String(needs.accompanyingChildren),
    },
    {
      label: 'Languages',
      value: needs.languages.length > 0 ? describeLanguages(needs.languages) : 'none recorded',
    },
    {
      label: 'Access needs',
      value:
        needs.accessNeeds.length > 0
          ? needs.accessNeeds.map((need) => ACCESS_WORDS[need]).join('; ')
          : 'none',
    },
    { label: 'Support level', value: SUPPORT_WORDS[needs.supportLevel] },
    { label: 'NRM stage', value: NRM_STAGE_WORDS[needs.nrmStage] },
    { label: 'No recourse to public funds', value: needs.nrpf ? 'yes' : 'no' },
  ];
}
