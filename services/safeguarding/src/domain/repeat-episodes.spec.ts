import { describeRepeatEpisodes, repeatEpisodesOf } from './repeat-episodes';

const NOW = '2026-07-01T12:00:00Z';
const at = (iso: string, episodeId = iso) => ({ episodeId, reportedAt: iso });

describe('repeat episodes: this person’s episodes in the 12 months up to this report', () => {
  it.each([
    ['none before', [], undefined],
    [
      'one a month ago',
      [at('2026-06-01T12:00:00Z')],
      { count: 2, previous: '2026-06-01T12:00:00Z' },
    ],
    [
      'two before, the latest is linked',
      [at('2026-02-01T00:00:00Z'), at('2026-06-20T08:00:00Z')],
      { count: 3, previous: '2026-06-20T08:00:00Z' },
    ],
    [
      'exactly 12 months ago counts',
      [at('2025-07-01T12:00:00Z')],
      { count: 2, previous: '2025-07-01T12:00:00Z' },
    ],
    ['a minute over 12 months does not', [at('2025-07-01T11:59:00Z')], undefined],
    [
      'old ones are left out of the count',
      [at('2024-01-01T00:00:00Z'), at('2025-01-01T00:00:00Z'), at('2026-03-01T00:00:00Z')],
      { count: 2, previous: '2026-03-01T00:00:00Z' },
    ],
    ['one reported after this one (late) does not count', [at('2026-07-02T00:00:00Z')], undefined],
  ] as const)('%s', (_name, earlier, expected) => {
    const repeat = repeatEpisodesOf(NOW, earlier);
    if (expected === undefined) expect(repeat).toBeUndefined();
    else expect(repeat).toEqual({ count: expected.count, previous: at(expected.previous) });
  });

  it('reads "Missing N times in the last 12 months (previous episode …, reported <London date>)"', () => {
    expect(describeRepeatEpisodes({ count: 3, previous: at('2026-03-28T23:30:00Z', 'ep-1') })).toBe(
      'Missing 3 times in the last 12 months (previous episode ep-1, reported Sat, 28 Mar 2026)',
    );
    // 23:30 UTC in summer is already the next day in London.
    expect(describeRepeatEpisodes({ count: 2, previous: at('2026-06-30T23:30:00Z', 'ep-2') })).toBe(
      'Missing 2 times in the last 12 months (previous episode ep-2, reported Wed, 1 Jul 2026)',
    );
  });
});
