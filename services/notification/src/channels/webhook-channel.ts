import { ChannelSendError } from './channel-send-error';
import type { DeliveryChannel, OutgoingDelivery, SendOutcome } from './delivery-channel';
import { signWebhook } from './webhook-signature';

export interface WebhookChannelOptions {
  /** Longest wait for the partner's answer. Default 10 s. */
  timeoutMs?: number;
  /** `User-Agent` header. */
  userAgent?: string;
  now?: () => Date;
  fetch?: typeof fetch;
}

/** Retrying may help: the partner asked us to wait, or its side timed out. */
const RETRYABLE_CLIENT_ERRORS = new Set([408, 429]);

/**
 * Whether an HTTP status means "do not try again": 4xx says the request itself is unwanted (410
 * Gone, 404, 401 bad signature), except 408 and 429. 5xx, redirects and network trouble are
 * retried.
 */
export function isPermanentHttpFailure(status: number): boolean {
  return status >= 400 && status < 500 && !RETRYABLE_CLIENT_ERRORS.has(status);
}

/**
 * Webhooks: one HTTPS POST of the JSON payload, signed to the Standard Webhooks specification
 * (once per secret during a rotation's overlap), with the delivery's stable id as `webhook-id` so a retried request is recognisable. Any 2xx
 * is acceptance. Redirects are not followed: a signed alert goes only where it was registered.
 */
export function createWebhookChannel(options: WebhookChannelOptions = {}): DeliveryChannel {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => new Date());
  const send = options.fetch ?? fetch;
  return {
    kind: 'webhook',
    async send(message: OutgoingDelivery): Promise<SendOutcome> {
      if (message.channel !== 'webhook') {
        throw new ChannelSendError(`the webhook channel cannot send a ${message.channel}`, true);
      }
      const body = JSON.stringify(message.content);
      const headers = {
        'content-type': 'application/json',
        'user-agent': options.userAgent ?? 'Harbour-Webhooks/1',
        ...signWebhook(message.secrets, message.messageId, body, now()),
      };
      let response: Response;
      try {
        response = await send(message.address, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new ChannelSendError(describeFetchError(error, timeoutMs), false);
      }
      // The body is the partner's business, and may echo ours: it is never read into logs.
      await response.body?.cancel().catch(() => undefined);
      const statusLine = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (response.status >= 200 && response.status < 300) return { providerResponse: statusLine };
      if (response.status >= 300 && response.status < 400) {
        throw new ChannelSendError(`${statusLine}: redirects are not followed`, false);
      }
      throw new ChannelSendError(statusLine, isPermanentHttpFailure(response.status));
    },
  };
}

/** Network failures say what went wrong, without the URL (it may carry a partner's token). */
function describeFetchError(error: unknown, timeoutMs: number): string {
  // Duck-typed: an abort reason is a DOMException, which is not always `instanceof Error`.
  if (typeof error === 'object' && error !== null && 'name' in error && 'message' in error) {
    const { name, message } = error;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return `no answer within ${timeoutMs} ms`;
    }
    const cause: unknown = (error as { cause?: unknown }).cause;
    const code =
      typeof cause === 'object' && cause !== null && 'code' in cause
        ? String(cause.code)
        : undefined;
    return code === undefined ? `${String(name)}: ${String(message)}` : `${String(name)}: ${code}`;
  }
  return `non-error thrown: ${typeof error}`;
}
