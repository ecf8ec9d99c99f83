import { formatLondonDate } from './london-date';

/** An earlier missing episode of the same person (matched by person key). */
export interface EarlierEpisode {
  episodeId: string;
  /** ISO 8601. */
  reportedAt: string;
}

/** How often this person went missing in the 12 months up to this report, this one included. */
export interface RepeatEpisodes {
  count: number;
  /** The latest earlier episode: the one this report links to. */
  previous: EarlierEpisode;
}

/** Window start: the same instant 12 calendar months earlier (UTC). */
function twelveMonthsBefore(at: Date): Date {
  const start = new Date(at);
  start.setUTCFullYear(start.getUTCFullYear() - 1);
  return start;
}

/**
 * Counts this person's episodes reported in the 12 months up to and including `reportedAt`,
 * this one included. Episodes reported after this one (a late or replayed report) do not count.
 * `undefined` when this is the only one: nothing to link, nothing to say.
 */
export function repeatEpisodesOf(
  reportedAt: string,
  earlier: readonly EarlierEpisode[],
): RepeatEpisodes | undefined {
  const now = new Date(reportedAt);
  const from = twelveMonthsBefore(now).getTime();
  const inWindow = earlier
    .filter((e) => {
      const at = new Date(e.reportedAt).getTime();
      return at >= from && at <= now.getTime();
    })
    .sort((a, b) => new Date(b.reportedAt).getTime() - new Date(a.reportedAt).getTime());
  const [previous] = inWindow;
  if (previous === undefined) return undefined;
  return { count: inWindow.length + 1, previous };
}

/** The summary line value: "Missing 3 times in the last 12 months (previous episode …, reported …)". */
export function describeRepeatEpisodes(repeat: RepeatEpisodes): string {
  return (
    `Missing ${repeat.count} times in the last 12 months ` +
    `(previous episode ${repeat.previous.episodeId}, reported ${formatLondonDate(repeat.previous.reportedAt)})`
  );
}
