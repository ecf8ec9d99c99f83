import { createTransport, type Transporter } from 'nodemailer';

export interface SignInMailerOptions {
  /** smtp[s]://[user:password@]host:port, the same SMTP server alerts use. */
  url: string;
  from: string;
}

/** Sends sign-in links. The address is personal data: it goes to SMTP, never to a log. */
export class SignInMailer {
  private readonly transport: Transporter;

  constructor(private readonly options: SignInMailerOptions) {
    this.transport = createTransport({
      url: options.url,
      requireTLS: false,
      ignoreTLS: false,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(to: string, link: string, minutes: number): Promise<void> {
    await this.transport.sendMail({
      from: this.options.from,
      to,
      subject: 'Your Harbour sign-in link',
      text: [
        'Open this link to sign in to the Harbour partner console:',
        '',
        link,
        '',
        `It works once, within ${minutes} minutes. If you did not ask to sign in, ignore this e-mail.`,
      ].join('\n'),
    });
  }

  close(): void {
    this.transport.close();
  }
}
