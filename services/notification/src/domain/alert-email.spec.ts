import type { AlertRequested } from '@harbour/contracts';
import { renderAlertEmail } from './alert-email';

const ALERT_ID = '3f0c2a8e-1b4d-4c6e-9f20-7a5b8c9d0e1f';
const CAUSE_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const CAUSE_EVENT_ID = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';

function alert(overrides: Partial<AlertRequested> = {}): AlertRequested {
  return {
    alertId: ALERT_ID,
    cause: { kind: 'missing_episode', id: CAUSE_ID, eventId: CAUSE_EVENT_ID },
    severity: 'critical',
    acknowledgeWithinMinutes: 15,
    audience: {
      roles: ['missing_person_unit'],
      boroughs: ['E09000007'],
      specialisms: ['children_specialist'],
      ageGroup: 'child',
    },
    disclosure: { level: 'operational' },
    summary: {
      title: 'Missing child — trafficking marker',
      lines: [
        { label: 'Age', value: '15' },
        { label: 'Police risk grade', value: 'medium' },
        { label: 'Trafficking markers', value: 'Independent Child Trafficking Guardian allocated' },
      ],
    },
    escalationPolicy: { levels: [{ afterMinutes: 15, roles: ['police_specialist'] }], repeat: 2 },
    // 14:00 UTC in November is 14:00 GMT in London.
    requestedAt: '2025-11-28T14:00:00Z',
    ...overrides,
  };
}

function everything(email: { subject: string; text: string; html: string }): string {
  return `${email.subject}\n${email.text}\n${email.html}`;
}

describe('renderAlertEmail', () => {
  it('puts severity, title, borough and the acknowledgement window in the subject', () => {
    expect(renderAlertEmail(alert()).subject).toBe(
      '[CRITICAL] Missing child — trafficking marker — Camden — acknowledge within 15 min',
    );
  });

  it('marks an escalation in the subject and first line, and an ordinary alert not at all', () => {
    const escalated = renderAlertEmail(alert(), { escalationLevel: 2 });
    expect(escalated.subject).toMatch(/^\[ESCALATION level 2\] \[CRITICAL\] /);
    expect(escalated.text.split('\n')[0]).toBe(
      'ESCALATION level 2: nobody has acknowledged this alert yet.',
    );
    expect(renderAlertEmail(alert()).subject).not.toContain('ESCALATION');
  });

  it('names no area for a named-only alert (one provider’s bed offer)', () => {
    const offer = renderAlertEmail(
      alert({
        audience: {
          roles: ['housing_provider'],
          boroughs: ['pan_london'],
          organisations: [CAUSE_ID],
          namedOnly: true,
        },
        summary: { title: 'Bed needed tonight — man, 30s', lines: [] },
      }),
    );
    expect(offer.subject).toBe(
      '[CRITICAL] Bed needed tonight — man, 30s — acknowledge within 15 min',
    );
    expect(everything(offer)).not.toContain('London boroughs');
  });

  it('does not repeat the borough when the title already names it', () => {
    const email = renderAlertEmail(
      alert({ summary: { title: 'Missing child with trafficking marker — Camden', lines: [] } }),
    );
    expect(email.subject).toBe(
      '[CRITICAL] Missing child with trafficking marker — Camden — acknowledge within 15 min',
    );
  });

  it('shows every summary line, the severity, borough, reference and deadline in text and HTML', () => {
    const email = renderAlertEmail(alert());
    for (const body of [email.text, email.html]) {
      expect(body).toContain('Missing child — trafficking marker');
      expect(body).toContain('Police risk grade');
      expect(body).toContain('Independent Child Trafficking Guardian allocated');
      expect(body).toContain('critical');
      expect(body).toContain('Camden');
      expect(body).toContain(ALERT_ID);
      expect(body).toContain('28 Nov 2025, 14:15 GMT');
    }
    expect(email.text).toContain('Age: 15');
  });

  it('gives the deadline in London summer time when it falls in BST', () => {
    const email = renderAlertEmail(
      alert({
        requestedAt: '2025-07-01T12:00:00Z',
        acknowledgeWithinMinutes: 60,
        severity: 'high',
      }),
    );
    expect(email.text).toContain('1 Jul 2025, 14:00 BST');
    expect(email.subject).toBe(
      '[HIGH] Missing child — trafficking marker — Camden — acknowledge within 60 min',
    );
  });

  it('never shows anything of the event outside the cleared summary', () => {
    const withPersonalData = {
      ...alert(),
      // Not in the schema; a renderer that spread or serialised the event would leak it.
      personal: { name: 'Amira Example', dateOfBirth: '2010-03-04', address: '1 Example Street' },
    };
    const rendered = everything(renderAlertEmail(withPersonalData));
    for (const secret of [
      'Amira',
      '2010-03-04',
      'Example Street',
      CAUSE_ID,
      CAUSE_EVENT_ID,
      'children_specialist',
      'police_specialist',
      'missing_episode',
    ]) {
      expect(rendered).not.toContain(secret);
    }
  });

  it('names several boroughs, and all of London for a pan-London alert', () => {
    const two = renderAlertEmail(
      alert({ audience: { roles: ['ngo'], boroughs: ['E09000007', 'E09000019'] } }),
    );
    expect(two.subject).toContain('Camden and Islington');
    const all = renderAlertEmail(
      alert({ audience: { roles: ['coordinator'], boroughs: ['pan_london'] } }),
    );
    expect(all.subject).toContain('all London boroughs');
  });

  it('escapes HTML and keeps line breaks out of the subject', () => {
    const email = renderAlertEmail(
      alert({
        summary: {
          title: 'Operation\r\nBcc: someone@example.org',
          lines: [{ label: 'Premises', value: '<script>alert(1)</script> & more' }],
        },
      }),
    );
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
  });

  it('says how long partners have for long windows in hours or days', () => {
    expect(renderAlertEmail(alert({ acknowledgeWithinMinutes: 24 * 60 })).subject).toContain(
      'acknowledge within 1 day',
    );
    expect(renderAlertEmail(alert({ acknowledgeWithinMinutes: 150 })).subject).toContain(
      'acknowledge within 2 h 30 min',
    );
  });
});
