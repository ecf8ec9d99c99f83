import { expectEventually } from './expect-eventually';
import { testSmtpApiUrl } from './infra';

export interface InboxAddress {
  address: string;
  name: string;
}

/** One message as a real SMTP server (maildev) received it. */
export interface InboxMessage {
  id: string;
  subject: string;
  from: InboxAddress[];
  to: InboxAddress[];
  headers: Record<string, string>;
  text?: string;
  html?: string;
  time: string;
}

/** Reads the SMTP inbox through maildev's REST API (`/api/email`). */
export class SmtpInbox {
  constructor(private readonly apiUrl: string = testSmtpApiUrl()) {}

  async messages(): Promise<InboxMessage[]> {
    const response = await fetch(`${this.apiUrl}/api/email`);
    if (!response.ok) throw new Error(`SMTP inbox answered ${response.status}`);
    return (await response.json()) as InboxMessage[];
  }

  messagesTo(address: string): Promise<InboxMessage[]> {
    return this.messages().then((all) =>
      all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase())),
    );
  }

  /** Waits until a message matching `predicate` has arrived, and returns it. */
  waitFor(
    predicate: (message: InboxMessage) => boolean,
    options: { timeoutMs?: number; description?: string } = {},
  ): Promise<InboxMessage> {
    return expectEventually(
      async () => {
        const match = (await this.messages()).find(predicate);
        if (!match) throw new Error('no matching message yet');
        return match;
      },
      { timeoutMs: options.timeoutMs ?? 30_000, description: options.description ?? 'an email' },
    );
  }
}
