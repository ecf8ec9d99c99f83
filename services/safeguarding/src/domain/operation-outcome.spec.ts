import { operationOutcomeAlerts } from './operation-outcome';

const outcome = {
  peopleEncountered: 7,
  potentialVictimsIdentified: 5,
  childrenIdentified: 1,
  nrmReferralsMade: 3,
  dutyToNotifyReports: 1,
  arrests: 2,
  welfareFindings: {
    needs: ['interpreter' as const, 'accommodation' as const],
    languages: ['sq'],
    summary: 'Five women accepted support; one child taken into care.',
  },
};
const ngoAudience = {
  roles: ['ngo' as const],
  boroughs: ['E09000025'],
  anyOfSpecialisms: ['sexual'],
  ageGroup: 'any' as const,
};

describe('operation outcome', () => {
  it('shares counts and findings with the pre-brief NGOs without arrests; police get arrests', () => {
    const [ngo, police] = operationOutcomeAlerts({
      operationId: 'op-1',
      borough: 'E09000025',
      kind: 'raid',
      outcome,
      ngoAudience,
    });
    expect(ngo).toMatchObject({
      rule: 'operation-outcome-ngo',
      severity: 'informational',
      acknowledgeWithinMinutes: 1440,
      audience: ngoAudience,
      disclosure: 'notice',
      title: 'Outcome: raid — Newham',
    });
    expect(ngo!.lines).toEqual([
      { label: 'Borough', value: 'Newham' },
      { label: 'Operation', value: 'raid' },
      { label: 'People encountered', value: '7' },
      { label: 'Potential victims identified', value: '5' },
      { label: 'Children identified', value: '1' },
      { label: 'NRM referrals', value: '3' },
      { label: 'Duty to Notify reports', value: '1' },
      { label: 'Support needs', value: 'interpreter, accommodation' },
      { label: 'Languages', value: 'Albanian (sq)' },
      { label: 'Findings', value: 'Five women accepted support; one child taken into care.' },
      { label: 'Operation reference', value: 'op-1' },
    ]);
    expect(JSON.stringify(ngo)).not.toMatch(/arrest/i);
    expect(police).toMatchObject({
      rule: 'operation-outcome-police',
      audience: { roles: ['police_borough'], boroughs: ['E09000025'] },
    });
    expect(police!.lines).toContainEqual({ label: 'Arrests', value: '2' });
  });

  it('no pre-brief applied: police only', () => {
    const alerts = operationOutcomeAlerts({
      operationId: 'op-1',
      borough: 'E09000033',
      kind: 'labour_inspection',
      outcome: {
        peopleEncountered: 0,
        potentialVictimsIdentified: 0,
        nrmReferralsMade: 0,
        arrests: 0,
      },
    });
    expect(alerts.map((a) => a.rule)).toEqual(['operation-outcome-police']);
  });
});
