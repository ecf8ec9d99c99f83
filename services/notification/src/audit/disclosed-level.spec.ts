import { disclosedLevel, disclosureAction } from './disclosed-level';

describe('the disclosure level a sent delivery carried', () => {
  const alert = {
    channel: 'webhook',
    stage: null,
    alertLevel: 'personal',
    recipientKind: 'police_borough',
  } as const;

  it('is never more than the notice for an e-mail, whatever the recipient is cleared for', () => {
    expect(disclosedLevel({ ...alert, channel: 'email', purpose: 'alert' })).toBe('notice');
    expect(disclosedLevel({ ...alert, channel: 'email', purpose: 'escalation' })).toBe('notice');
    expect(
      disclosedLevel({ ...alert, channel: 'email', purpose: 'follow_up', stage: 'personal' }),
    ).toBe('notice');
  });

  it('is the alert’s level for a recipient cleared for it, the notice for others', () => {
    expect(disclosedLevel({ ...alert, purpose: 'alert' })).toBe('personal');
    expect(disclosedLevel({ ...alert, purpose: 'escalation' })).toBe('personal');
    expect(disclosedLevel({ ...alert, purpose: 'alert', recipientKind: 'ngo' })).toBe('notice');
    expect(
      disclosedLevel({
        ...alert,
        purpose: 'alert',
        alertLevel: 'operational',
        recipientKind: 'housing_provider',
      }),
    ).toBe('notice');
    expect(
      disclosedLevel({
        ...alert,
        purpose: 'alert',
        alertLevel: 'operational',
        recipientKind: 'ngo',
      }),
    ).toBe('operational');
  });

  it('is the released stage for a follow-up', () => {
    expect(disclosedLevel({ ...alert, purpose: 'follow_up', stage: 'operational' })).toBe(
      'operational',
    );
    expect(disclosedLevel({ ...alert, purpose: 'follow_up', stage: 'nonsense' })).toBe('notice');
  });

  it('is the notice for closure and supersession notices', () => {
    expect(disclosedLevel({ ...alert, purpose: 'closure' })).toBe('notice');
    expect(disclosedLevel({ ...alert, purpose: 'supersession' })).toBe('notice');
  });

  it('is audited above the notice only', () => {
    expect(disclosureAction('notice')).toBeNull();
    expect(disclosureAction('operational')).toBe('disclosure.operational');
    expect(disclosureAction('personal')).toBe('disclosure.personal');
  });
});
