import { causeAlertsReader } from './cause-alerts-access';

const ORGANISATION = '00000000-0000-4000-8000-000000000001';

describe('causeAlertsReader', () => {
  it('lets a coordinator read every alert of a cause', () => {
    expect(
      causeAlertsReader({
        organisationId: ORGANISATION,
        organisationKind: 'coordinator',
        roles: ['admin'],
      }),
    ).toEqual({ all: true });
  });

  it('lets another organisation read, with a submit or read key, only the alerts naming it as owner', () => {
    for (const role of ['submit', 'read'] as const) {
      expect(
        causeAlertsReader({
          organisationId: ORGANISATION,
          organisationKind: 'police_specialist',
          roles: [role],
        }),
      ).toEqual({ all: false, ownerOrganisationId: ORGANISATION });
    }
  });

  it('lets a partner key without submit or read read nothing', () => {
    expect(
      causeAlertsReader({
        organisationId: ORGANISATION,
        organisationKind: 'ngo',
        roles: ['admin', 'respond'],
      }),
    ).toBeNull();
  });
});
