import type { StageRelease, SummaryLine } from './alert-decision';
import { POLICE_ROLES } from './missing-episode-rules';

/** The identifying details a missing-person report may carry (the event's `personal`). */
export interface MissingPersonDetails {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  philomenaProfile?: {
    description?: string;
    associates?: string[];
    places?: string[];
    photoReference?: string;
  };
  subjectReference?: string;
}

export const PHILOMENA_TITLE = 'Philomena profile — police only';

/**
 * The Philomena profile as a personal-level stage for police recipients only (borough police,
 * the specialist unit, the missing-person unit): who to look for and where. Only the parts the
 * report gave; `undefined` when it gave none of them (a subject reference alone is not shown).
 */
export function philomenaProfileStage(
  details: MissingPersonDetails,
  episodeId: string,
): StageRelease | undefined {
  const name = [details.givenName, details.familyName].filter(Boolean).join(' ');
  const profile = details.philomenaProfile ?? {};
  const lines: SummaryLine[] = [
    ...(name !== '' ? [{ label: 'Name', value: name }] : []),
    ...(details.dateOfBirth !== undefined
      ? [{ label: 'Date of birth', value: details.dateOfBirth }]
      : []),
    ...(profile.description !== undefined
      ? [{ label: 'Description', value: profile.description }]
      : []),
    ...(profile.photoReference !== undefined
      ? [{ label: 'Photo reference', value: profile.photoReference }]
      : []),
    ...(profile.associates !== undefined && profile.associates.length > 0
      ? [{ label: 'Associates', value: profile.associates.join('; ') }]
      : []),
    ...(profile.places !== undefined && profile.places.length > 0
      ? [{ label: 'Places', value: profile.places.join('; ') }]
      : []),
  ];
  if (lines.length === 0) return undefined;
  return {
    level: 'personal',
    title: PHILOMENA_TITLE,
    lines: [...lines, { label: 'Episode reference', value: episodeId }],
    reason: 'Philomena profile: police recipients only',
    roles: POLICE_ROLES,
  };
}
