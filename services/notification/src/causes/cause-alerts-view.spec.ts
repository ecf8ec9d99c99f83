import type { CauseAlertRecords, CauseDeliveryRecord } from './cause-alerts-repository';
import { causeAlertsView } from './cause-alerts-view';

const CAUSE = { kind: 'operation', id: '00000000-0000-4000-8000-0000000000c0' } as const;
const ALERT = '00000000-0000-4000-8000-0000000000a1';
const NGO = '00000000-0000-4000-8000-000000000001';
const PLANNER = '00000000-0000-4000-8000-000000000002';
const HUB = '00000000-0000-4000-8000-000000000003';
const AT = new Date('2026-11-28T09:00:00.000Z');
const LATER = new Date('2026-11-28T10:00:00.000Z');

function delivery(partial: Partial<CauseDeliveryRecord>): CauseDeliveryRecord {
  return {
    alertId: ALERT,
    organisationId: NGO,
    organisationName: 'Camden NGO',
    organisationKind: 'ngo',
    matchedRule: 'role=ngo & borough=E09000007 & specialism∈labour',
    purpose: 'alert',
    channel: 'email',
    status: 'sent',
    sentAt: AT,
    createdAt: AT,
    ...partial,
  };
}

function records(partial: Partial<CauseAlertRecords>): CauseAlertRecords {
  return {
    alerts: [
      {
        id: ALERT,
        title: 'Planned operation',
        severity: 'high',
        disclosureLevel: 'notice',
        state: 'acknowledged',
        requestedAt: AT,
        supersedes: null,
      },
    ],
    stages: [],
    deliveries: [],
    acknowledgements: [],
    ...partial,
  };
}

describe('causeAlertsView', () => {
  it('shows each recipient once with its deliveries, acknowledgement and response', () => {
    const planner = {
      organisationId: PLANNER,
      organisationName: 'A planning unit',
      organisationKind: 'police_specialist' as const,
      matchedRule: 'organisation=named',
    };
    const view = causeAlertsView(
      CAUSE,
      records({
        // Listed out of order: the named planner first, a pending webhook, a later escalation.
        deliveries: [
          delivery({ ...planner, status: 'pending', sentAt: null }),
          delivery({}),
          delivery({ channel: 'webhook', status: 'failed', sentAt: null }),
          delivery({
            organisationId: HUB,
            organisationName: 'Hub',
            organisationKind: 'coordinator',
            matchedRule: 'escalation level 1: role=coordinator & borough=pan_london',
            purpose: 'escalation',
            createdAt: LATER,
            sentAt: LATER,
          }),
        ],
        stages: [{ alertId: ALERT, level: 'operational', releasedAt: LATER, roles: ['ngo'] }],
        acknowledgements: [
          { alertId: ALERT, organisationId: NGO, acknowledgedAt: LATER, response: '2 beds' },
          { alertId: ALERT, organisationId: PLANNER, acknowledgedAt: LATER, response: null },
        ],
      }),
    );
    expect(view).toEqual({
      cause: CAUSE,
      alerts: [
        {
          alertId: ALERT,
          title: 'Planned operation',
          severity: 'high',
          disclosureLevel: 'notice',
          state: 'acknowledged',
          requestedAt: '2026-11-28T09:00:00.000Z',
          stagesReleased: [
            { level: 'operational', releasedAt: '2026-11-28T10:00:00.000Z', roles: ['ngo'] },
          ],
          recipients: [
            {
              organisation: { id: NGO, name: 'Camden NGO', kind: 'ngo' },
              rule: 'role=ngo & borough=E09000007 & specialism∈labour',
              deliveries: [
                {
                  purpose: 'alert',
                  channel: 'email',
                  status: 'sent',
                  deliveredAt: '2026-11-28T09:00:00.000Z',
                },
                { purpose: 'alert', channel: 'webhook', status: 'failed' },
              ],
              acknowledgedAt: '2026-11-28T10:00:00.000Z',
              response: '2 beds',
            },
            {
              organisation: { id: PLANNER, name: 'A planning unit', kind: 'police_specialist' },
              rule: 'organisation=named',
              deliveries: [{ purpose: 'alert', channel: 'email', status: 'pending' }],
              acknowledgedAt: '2026-11-28T10:00:00.000Z',
            },
            {
              organisation: { id: HUB, name: 'Hub', kind: 'coordinator' },
              rule: 'escalation level 1: role=coordinator & borough=pan_london',
              deliveries: [
                {
                  purpose: 'escalation',
                  channel: 'email',
                  status: 'sent',
                  deliveredAt: '2026-11-28T10:00:00.000Z',
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('names the alert a superseding one replaced, and keeps a stage without roles without them', () => {
    const view = causeAlertsView(
      CAUSE,
      records({
        alerts: [
          {
            id: ALERT,
            title: 'Regraded',
            severity: 'critical',
            disclosureLevel: 'operational',
            state: 'open',
            requestedAt: LATER,
            supersedes: '00000000-0000-4000-8000-0000000000a0',
          },
        ],
        stages: [{ alertId: ALERT, level: 'personal', releasedAt: LATER, roles: null }],
      }),
    );
    expect(view.alerts[0]).toMatchObject({
      supersedes: '00000000-0000-4000-8000-0000000000a0',
      stagesReleased: [{ level: 'personal', releasedAt: '2026-11-28T10:00:00.000Z' }],
      recipients: [],
    });
    expect(view.alerts[0]?.stagesReleased[0]).not.toHaveProperty('roles');
  });

  it('keeps the rule of the alert delivery when an escalation reached the same organisation', () => {
    const view = causeAlertsView(
      CAUSE,
      records({
        deliveries: [
          delivery({
            purpose: 'escalation',
            matchedRule: 'escalation level 1: …',
            createdAt: LATER,
          }),
          delivery({}),
        ],
      }),
    );
    expect(view.alerts[0]?.recipients).toHaveLength(1);
    expect(view.alerts[0]?.recipients[0]?.rule).toBe(
      'role=ngo & borough=E09000007 & specialism∈labour',
    );
  });
});
