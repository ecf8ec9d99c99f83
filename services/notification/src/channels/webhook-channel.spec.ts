import { Webhook } from 'standardwebhooks';
import type { AlertWebhookPayload } from './alert-webhook-payload';
import { ChannelSendError } from './channel-send-error';
import type { OutgoingWebhook } from './delivery-channel';
import { createWebhookChannel, isPermanentHttpFailure } from './webhook-channel';
import { generateWebhookSecret } from './webhook-secret';

const secret = generateWebhookSecret();
const payload: AlertWebhookPayload = {
  type: 'harbour.alert',
  alertId: '3f0c2a8e-1b4d-4c6e-9f20-7a5b8c9d0e1f',
  reference: '3f0c2a8e-1b4d-4c6e-9f20-7a5b8c9d0e1f',
  severity: 'critical',
  title: 'Missing child — trafficking marker',
  lines: [{ label: 'Age', value: '15' }],
  borough: 'Camden',
  acknowledgeBy: '2025-11-28T14:15:00.000Z',
  acknowledgeWithinMinutes: 15,
};
const message: OutgoingWebhook = {
  channel: 'webhook',
  deliveryId: '0b9f1c1e-3a55-4c0e-8f7a-2d8c4b6e9a10',
  messageId: 'msg_0b9f1c1e-3a55-4c0e-8f7a-2d8c4b6e9a10',
  address: 'https://partner.example/hook',
  content: payload,
  secrets: [secret],
};

/** A fetch that answers every request with `status` and remembers what it was sent. */
function answering(status: number): { fetch: typeof fetch; requests: RequestInit[] } {
  const requests: RequestInit[] = [];
  const fake = (_url: string | URL | Request, init?: RequestInit) => {
    requests.push(init ?? {});
    return Promise.resolve(new Response(status === 204 ? null : 'body', { status }));
  };
  return { fetch: fake, requests };
}

async function failureOf(promise: Promise<unknown>): Promise<ChannelSendError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ChannelSendError) return error;
    throw error;
  }
  throw new Error('expected the send to fail');
}

describe('isPermanentHttpFailure', () => {
  it('gives up on 4xx, except 408 and 429, and retries 5xx and redirects', () => {
    for (const status of [400, 401, 403, 404, 410, 413, 422]) {
      expect(isPermanentHttpFailure(status)).toBe(true);
    }
    for (const status of [408, 429, 500, 502, 503, 504, 301, 302]) {
      expect(isPermanentHttpFailure(status)).toBe(false);
    }
  });
});

describe('webhook channel', () => {
  it('POSTs the JSON payload, signed with the delivery id, and reports the status line', async () => {
    const { fetch, requests } = answering(204);
    const outcome = await createWebhookChannel({ fetch }).send(message);
    expect(outcome).toEqual({ providerResponse: 'HTTP 204' });
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.redirect).toBe('manual');
    const headers = request?.headers as Record<string, string>;
    expect(headers['webhook-id']).toBe(message.messageId);
    expect(headers['content-type']).toBe('application/json');
    expect(new Webhook(secret).verify(request?.body as string, headers)).toEqual(payload);
  });

  it('classifies answers: 410 permanent, 429 and 500 transient, 3xx not followed', async () => {
    const gone = await failureOf(createWebhookChannel(answering(410)).send(message));
    expect(gone).toMatchObject({ permanent: true, message: 'HTTP 410' });
    const busy = await failureOf(createWebhookChannel(answering(429)).send(message));
    expect(busy.permanent).toBe(false);
    const broken = await failureOf(createWebhookChannel(answering(500)).send(message));
    expect(broken).toMatchObject({ permanent: false, message: 'HTTP 500' });
    const moved = await failureOf(createWebhookChannel(answering(302)).send(message));
    expect(moved).toMatchObject({
      permanent: false,
      message: 'HTTP 302: redirects are not followed',
    });
  });

  it('turns network trouble and timeouts into transient failures without the URL', async () => {
    const refused = (() =>
      Promise.reject(
        Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
      )) as typeof fetch;
    const error = await failureOf(createWebhookChannel({ fetch: refused }).send(message));
    expect(error).toMatchObject({ permanent: false, message: 'TypeError: ECONNREFUSED' });

    const hanging = ((_url: string | URL | Request, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          reject(init.signal?.reason as Error);
        });
      })) as typeof fetch;
    const timeout = await failureOf(
      createWebhookChannel({ fetch: hanging, timeoutMs: 20 }).send(message),
    );
    expect(timeout).toMatchObject({ permanent: false, message: 'no answer within 20 ms' });
    expect(timeout.message).not.toContain('partner.example');
  });
});
