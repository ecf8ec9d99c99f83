import { createTransport } from 'nodemailer';
import type { AlertEmail } from '../domain/alert-email';

export interface OutgoingAlertEmail extends AlertEmail {
  to: string;
  /** The delivery's stable Message-ID, `<id@host>`. */
  messageId: string;
}

/** Sends alert e-mails. Rejects with nodemailer's error (with `responseCode`/`command`) on refusal. */
export interface AlertMailer {
  send(email: OutgoingAlertEmail): Promise<void>;
  close(): void;
}

export interface SmtpMailerOptions {
  /** smtp[s]://[user:password@]host:port */
  url: string;
  from: string;
  maxConnections: number;
}

/**
 * One pooled SMTP transport for the process. STARTTLS is used whenever the server offers it
 * (and not demanded when it does not, so a plain local inbox works); `smtps://` means implicit TLS.
 */
export function createSmtpMailer(options: SmtpMailerOptions): AlertMailer {
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
    async send(email) {
      await transport.sendMail({
        from: options.from,
        to: email.to,
        messageId: email.messageId,
        subject: email.subject,
        text: email.text,
        html: email.html,
      });
    },
    close() {
      transport.close();
    },
  };
}
