import { formatLondonTime } from '@harbour/london';
import {
  OPERATIONAL_RELEASE_RULE,
  operationalReleaseDueAt,
  operationalReleaseStage,
} from './operation-release';

const detail = {
  address: { line1: '14 Quarry Lane', line2: 'Flat 2b', postcode: 'E15 2QS' },
  startsAt: '2026-12-05T06:30:00Z',
  endsAt: '2026-12-05T10:00:00Z',
  timeZone: 'Europe/London',
  leadContact: { name: 'DS Imogen Castellano', phone: '+44 20 7946 0321', email: 'ic@met.example' },
};

describe('operational release', () => {
  it('is due the lead time before the start', () => {
    expect(operationalReleaseDueAt(detail.startsAt, 120).toISOString()).toBe(
      '2026-12-05T04:30:00.000Z',
    );
    expect(operationalReleaseDueAt(detail.startsAt, 0).toISOString()).toBe(
      '2026-12-05T06:30:00.000Z',
    );
  });

  it('releases address, times and lead contact to the vetted kinds, with the audit reason', () => {
    const stage = operationalReleaseStage({
      title: 'Planned raid — brothel — Newham',
      detail,
      releasedAt: new Date('2026-12-05T04:30:00Z'),
      vettedKinds: ['police_borough', 'police_specialist', 'immigration'],
    });
    expect(stage).toEqual({
      level: 'operational',
      title: 'Operational detail — Planned raid — brothel — Newham',
      lines: [
        { label: 'Address', value: '14 Quarry Lane' },
        { label: 'Address line 2', value: 'Flat 2b' },
        { label: 'Postcode', value: 'E15 2QS' },
        { label: 'Starts at', value: formatLondonTime(detail.startsAt) },
        { label: 'Ends at', value: formatLondonTime(detail.endsAt) },
        { label: 'Lead contact', value: 'DS Imogen Castellano' },
        { label: 'Lead contact phone', value: '+44 20 7946 0321' },
      ],
      reason: `operational detail released 120 minutes before start (rule ${OPERATIONAL_RELEASE_RULE})`,
      roles: ['police_borough', 'police_specialist', 'immigration'],
    });
  });

  it('a late release says how late it went out; after the start it says 0 minutes', () => {
    const late = operationalReleaseStage({
      title: 't',
      detail: { ...detail, address: { line1: '1 A St', postcode: 'E1 6AN' } },
      releasedAt: new Date('2026-12-05T06:00:00Z'),
      vettedKinds: ['police_borough'],
    });
    expect(late.reason).toBe(
      'operational detail released 30 minutes before start (rule operation-operational-release)',
    );
    expect(late.lines.map((l) => l.label)).not.toContain('Address line 2');
    const after = operationalReleaseStage({
      title: 't',
      detail,
      releasedAt: new Date('2026-12-05T07:00:00Z'),
      vettedKinds: ['police_borough'],
    });
    expect(after.reason).toMatch(/^operational detail released 0 minutes before start/);
  });
});
