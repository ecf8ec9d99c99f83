import { createTransport } from 'nodemailer';
import { describeSmtpFailure } from '../delivery/smtp-failure';
import { ChannelSendError } from './channel-send-error';
import type { DeliveryChannel, OutgoingDelivery, SendOutcome } from './delivery-channel';

export interface EmailChannelOptions {
  /** smtp[s]://[user:password@]host:port */
  url: string;
  from: string;
  maxConnections: number;
}

export interface EmailChannel extends DeliveryChannel {
  readonly kind: 'email';
  close(): void;
}

/**
 * E-mail over one pooled SMTP transport for the process. STARTTLS is used whenever the server
 * offers it (and not demanded when it does not, so a plain local inbox works); `smtps://` means
 * implicit TLS. A refusal becomes a `ChannelSendError`, permanent only for a recipient the server
 * rejects outright.
 */
export function createEmailChannel(options: EmailChannelOptions): EmailChannel {
  const transport = createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    requireTLS: false,
    ignoreTLS: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });
  return {
    kind: 'email',
    async send(message: OutgoingDelivery): Promise<SendOutcome> {
      if (message.channel !== 'email') {
        throw new ChannelSendError(`the email channel cannot send a ${message.channel}`, true);
      }
      let response: unknown;
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: message.address,
          messageId: message.messageId,
          subject: message.content.subject,
          text: message.content.text,
          html: message.content.html,
        });
        response = (info as { response?: unknown }).response;
      } catch (error) {
        const failure = describeSmtpFailure(error);
        throw new ChannelSendError(failure.text, failure.permanent);
      }
      return { providerResponse: providerResponse(response) };
    },
    close() {
      transport.close();
    },
  };
}

const EMAIL_ADDRESS = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g;

/** The server's reply line (`250 2.0.0 Ok: queued as …`), addresses masked like errors are. */
function providerResponse(response: unknown): string {
  if (typeof response !== 'string' || response.trim() === '') return 'accepted';
  const text = response.replace(EMAIL_ADDRESS, '[address]').replace(/\s+/g, ' ').trim();
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}
