import { episodeUpdateStages } from './episode-updates';

describe('sighting and update stages', () => {
  it('puts the facts at operational level and the note and place at personal level', () => {
    const [operational, personal] = episodeUpdateStages({
      episodeId: 'ep-1',
      kind: 'sighting',
      isChild: true,
      recordedAt: '2026-12-01T10:00:00Z',
      seenAt: '2026-12-01T09:45:00Z',
      postcode: 'N1 9GU',
      boroughName: 'Islington',
      note: 'With two older men',
      placeDescription: 'Outside the station',
    });
    expect(operational).toEqual({
      level: 'operational',
      title: 'Sighting of missing child — Islington',
      lines: [
        { label: 'Kind', value: 'sighting' },
        { label: 'Seen at', value: 'Tue, 1 Dec 2026, 09:45 GMT' },
        { label: 'Postcode', value: 'N1 9GU' },
        { label: 'Borough', value: 'Islington' },
        { label: 'Recorded at', value: 'Tue, 1 Dec 2026, 10:00 GMT' },
        { label: 'Episode reference', value: 'ep-1' },
      ],
      reason: 'Sighting recorded on the missing episode',
    });
    expect(JSON.stringify(operational)).not.toMatch(/older men|station/);
    expect(personal).toMatchObject({
      level: 'personal',
      title: 'Sighting of missing child — Islington — details',
      lines: [
        { label: 'Note', value: 'With two older men' },
        { label: 'Place', value: 'Outside the station' },
        { label: 'Episode reference', value: 'ep-1' },
      ],
    });
    // Personal level already limits it to police, local authority and missing-person units.
    expect(personal?.roles).toBeUndefined();
  });

  it('an update without time or place says only what it has', () => {
    const [operational] = episodeUpdateStages({
      episodeId: 'ep-2',
      kind: 'update',
      isChild: false,
      recordedAt: '2026-12-01T10:00:00Z',
      note: 'Phone switched on briefly',
    });
    expect(operational?.title).toBe('Update on missing adult');
    expect(operational?.lines.map((l) => l.label)).toEqual([
      'Kind',
      'Recorded at',
      'Episode reference',
    ]);
  });
});
