import type { AlertRequested } from '@harbour/contracts';
import { ChannelSendError } from '../channels/channel-send-error';
import {
  renderDelivery,
  type DeliveryToRender,
  type RenderOptions,
} from '../channels/render-delivery';
import type { ReleasedStage } from '../domain/follow-up-stage';

const ALERT_ID = '3f0c2a8e-1b4d-4c6e-9f20-7a5b8c9d0e1f';

const request: AlertRequested = {
  alertId: ALERT_ID,
  cause: {
    kind: 'operation',
    id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    eventId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
  },
  severity: 'high',
  acknowledgeWithinMinutes: 60,
  audience: { roles: ['ngo', 'housing_provider'], boroughs: ['E09000007'] },
  disclosure: { level: 'notice' },
  summary: {
    title: 'Planned operation — Camden',
    lines: [{ label: 'Window', value: 'next 48 hours (original notice)' }],
  },
  requestedAt: '2025-11-28T14:00:00Z',
};

const stage: ReleasedStage = {
  level: 'operational',
  summary: {
    title: 'Planned operation — Camden: address released',
    lines: [
      { label: 'Address', value: '12 Example Road, NW1' },
      { label: 'Start', value: 'Sat 29 Nov 2025, 06:00' },
    ],
  },
  // 05:30 UTC in November is 05:30 GMT in London.
  releasedAt: '2025-11-29T05:30:00Z',
};

const followUp = (channel: 'email' | 'webhook'): DeliveryToRender => ({
  id: 'c5d6e7f8-0000-4000-8000-000000000001',
  channel,
  address: channel === 'email' ? 'duty@ngo.example' : 'https://ngo.example/hook',
  messageId: '<c5d6e7f8@harbour.localhost>',
  purpose: 'follow_up',
});

describe('rendering a follow-up (a released disclosure stage)', () => {
  it('marks the e-mail as an update of the alert, released at London time', () => {
    const outgoing = renderDelivery(followUp('email'), request, { stage });
    if (outgoing.channel !== 'email') throw new Error('expected an e-mail');
    const { subject, text } = outgoing.content;
    expect(subject).toBe(
      '[UPDATE] [HIGH] Planned operation — Camden: address released — operational details released',
    );
    expect(text.split('\n')[0]).toBe(
      `UPDATE to alert ${ALERT_ID}: operational details released at Sat, 29 Nov 2025, 05:30 GMT.`,
    );
  });

  it('e-mails the released title only: the operational lines stay behind the link', () => {
    const url = 'https://harbour.example/ack/abc';
    const outgoing = renderDelivery(followUp('email'), request, { stage, acknowledgeUrl: url });
    if (outgoing.channel !== 'email') throw new Error('expected an e-mail');
    const all = `${outgoing.content.subject}\n${outgoing.content.text}\n${outgoing.content.html}`;
    expect(outgoing.content.text).toContain('Planned operation — Camden: address released');
    expect(outgoing.content.text).toContain(
      'Details: the operational details are not sent by e-mail. Open the link below and choose "Show details"; each viewing is recorded.',
    );
    expect(outgoing.content.text).toContain(`Acknowledge: ${url}`);
    expect(outgoing.content.html).toContain('See the details and acknowledge</a>');
    expect(all).not.toContain('12 Example Road');
    expect(all).not.toContain('06:00');
    expect(all).not.toContain('original notice');
  });

  it('e-mails a released notice-level stage in full: a notice is what e-mail may carry', () => {
    const notice: ReleasedStage = {
      ...stage,
      level: 'notice',
      summary: {
        title: 'Planned operation — Camden: moved',
        lines: [{ label: 'Window', value: 'next week' }],
      },
    };
    const outgoing = renderDelivery(followUp('email'), request, { stage: notice });
    if (outgoing.channel !== 'email') throw new Error('expected an e-mail');
    expect(outgoing.content.text).toContain('Window: next week');
  });

  it('sends webhooks a harbour.alert.update with the stage and the released summary only', () => {
    const outgoing = renderDelivery(followUp('webhook'), request, { stage, secrets: ['whsec_x'] });
    if (outgoing.channel !== 'webhook') throw new Error('expected a webhook');
    expect(outgoing.content).toMatchObject({
      type: 'harbour.alert.update',
      reference: ALERT_ID,
      title: stage.summary.title,
      lines: stage.summary.lines,
      stage: { level: 'operational', releasedAt: '2025-11-29T05:30:00.000Z' },
    });
    expect(JSON.stringify(outgoing.content)).not.toContain('original notice');
  });

  it('refuses to render a follow-up without its released stage rather than resend the original', () => {
    expect(() => renderDelivery(followUp('email'), request)).toThrow(/no released stage/);
  });

  it('leaves an ordinary alert as it was, even when a stage is at hand', () => {
    const outgoing = renderDelivery({ ...followUp('email'), purpose: 'alert' }, request, { stage });
    if (outgoing.channel !== 'email') throw new Error('expected an e-mail');
    expect(outgoing.content.subject).toMatch(/^\[HIGH\] Planned operation — Camden — /);
    expect(outgoing.content.text).toContain('original notice');
    expect(outgoing.content.text).not.toContain('12 Example Road');
  });
});

describe('an alert at a level the recipient may not see', () => {
  const operational: AlertRequested = {
    ...request,
    disclosure: { level: 'operational' },
    summary: {
      title: 'Planned operation — Camden',
      lines: [{ label: 'Address', value: '12 Example Road, NW1' }],
    },
  };
  const original = (purpose: 'alert' | 'escalation'): DeliveryToRender => ({
    ...followUp('email'),
    purpose,
  });

  it('reaches a housing provider as the notice only: no detail lines', () => {
    for (const purpose of ['alert', 'escalation'] as const) {
      const outgoing = renderDelivery(original(purpose), operational, {
        recipientKind: 'housing_provider',
      });
      if (outgoing.channel !== 'email') throw new Error('expected e-mail');
      const everything = `${outgoing.content.subject}\n${outgoing.content.text}\n${outgoing.content.html}`;
      expect(everything).toContain('Planned operation — Camden');
      expect(everything).not.toContain('12 Example Road');
    }
  });

  it('reaches a cleared partner’s system in full, and its mailbox as the notice with a link', () => {
    const hook = renderDelivery({ ...original('alert'), channel: 'webhook' }, operational, {
      recipientKind: 'ngo',
      secrets: ['whsec_x'],
    });
    if (hook.channel !== 'webhook') throw new Error('expected a webhook');
    expect(JSON.stringify(hook.content)).toContain('12 Example Road');
    const outgoing = renderDelivery(original('alert'), operational, {
      recipientKind: 'ngo',
      acknowledgeUrl: 'https://harbour.example/ack/abc',
    });
    if (outgoing.channel !== 'email') throw new Error('expected e-mail');
    const everything = `${outgoing.content.subject}\n${outgoing.content.text}\n${outgoing.content.html}`;
    expect(everything).not.toContain('12 Example Road');
    expect(outgoing.content.text).toContain('the operational details are not sent by e-mail');
  });
});

describe('rendering for a recipient the alert’s purpose excludes', () => {
  const referral: AlertRequested = {
    ...request,
    cause: { ...request.cause, kind: 'referral' },
    summary: {
      title: 'Referral — Camden — support needed',
      lines: [{ label: 'Support', value: 'safe house, Albanian interpreter' }],
    },
  };
  const end = { kind: 'closed', at: new Date('2025-11-29T09:00:00Z'), reason: 'Placed.' } as const;
  const deliveries: [DeliveryToRender, RenderOptions][] = [
    [{ ...followUp('email'), purpose: 'alert' }, {}],
    [{ ...followUp('email'), purpose: 'escalation', escalationLevel: 1 }, {}],
    [followUp('email'), { stage }],
    [{ ...followUp('email'), purpose: 'closure' }, { end }],
    [{ ...followUp('webhook'), purpose: 'alert' }, { secrets: ['whsec_x'] }],
  ];

  it('renders nothing of a referral for immigration enforcement, whatever the delivery', () => {
    for (const [delivery, options] of deliveries) {
      let thrown: unknown;
      try {
        renderDelivery(delivery, referral, { ...options, recipientKind: 'immigration' });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ChannelSendError);
      expect(thrown).toMatchObject({
        message: 'withheld: purpose victim_support',
        permanent: true,
      });
    }
  });

  it('renders the same deliveries for a partner the purpose allows, and an operation for immigration', () => {
    for (const [delivery, options] of deliveries) {
      expect(() =>
        renderDelivery(delivery, referral, { ...options, recipientKind: 'ngo' }),
      ).not.toThrow();
      expect(() =>
        renderDelivery(delivery, request, { ...options, recipientKind: 'immigration' }),
      ).not.toThrow();
    }
  });
});
