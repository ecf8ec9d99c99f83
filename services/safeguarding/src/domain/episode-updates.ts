import { formatLondonTime } from '@harbour/london';
import type { StageRelease, SummaryLine } from './alert-decision';

/** A sighting or update on an open episode (the event, with borough names resolved). */
export interface EpisodeUpdate {
  episodeId: string;
  kind: 'sighting' | 'update';
  isChild: boolean;
  recordedAt: string;
  seenAt?: string;
  postcode?: string;
  boroughName?: string;
  /** Personal data: the officer's note. */
  note: string;
  /** Personal data: where exactly. */
  placeDescription?: string;
}

/**
 * A sighting goes to everyone already alerted, in two stages: the operational facts (kind, time,
 * postcode and borough) to every partner cleared for operational detail, and the note and place
 * description — personal data — at the personal level, which notification sends only to police,
 * the local authority and the missing-person unit.
 */
export function episodeUpdateStages(update: EpisodeUpdate): StageRelease[] {
  const what = update.kind === 'sighting' ? 'Sighting' : 'Update';
  const subject = update.isChild ? 'child' : 'adult';
  const where = update.boroughName === undefined ? '' : ` — ${update.boroughName}`;
  const title = `${update.kind === 'sighting' ? 'Sighting of' : 'Update on'} missing ${subject}${where}`;
  const facts: SummaryLine[] = [
    { label: 'Kind', value: update.kind },
    ...(update.seenAt !== undefined
      ? [{ label: 'Seen at', value: formatLondonTime(update.seenAt) }]
      : []),
    ...(update.postcode !== undefined ? [{ label: 'Postcode', value: update.postcode }] : []),
    ...(update.boroughName !== undefined ? [{ label: 'Borough', value: update.boroughName }] : []),
    { label: 'Recorded at', value: formatLondonTime(update.recordedAt) },
    { label: 'Episode reference', value: update.episodeId },
  ];
  return [
    {
      level: 'operational',
      title,
      lines: facts,
      reason: `${what} recorded on the missing episode`,
    },
    {
      level: 'personal',
      title: `${title} — details`,
      lines: [
        { label: 'Note', value: update.note },
        ...(update.placeDescription !== undefined
          ? [{ label: 'Place', value: update.placeDescription }]
          : []),
        { label: 'Episode reference', value: update.episodeId },
      ],
      reason: `${what} note: personal detail for cleared recipients`,
    },
  ];
}
