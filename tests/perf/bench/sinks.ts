import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';

/** One message that reached a sink: when (performance.now() of this process) and its ids. */
export interface Arrival {
  at: number;
  channel: 'email' | 'webhook';
  /** The delivery's stable id: the e-mail Message-ID (without <>) or the `webhook-id` header. */
  deliveryId: string;
  /** The envelope recipient of an e-mail, or the path a webhook was POSTed to. */
  recipient: string;
}

/** Reads the Message-ID header from the head of a raw message (headers end at the blank line). */
export function messageIdOf(raw: string): string | null {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  // Folded headers continue on lines starting with white space.
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = /^message-id:\s*<?([^>\s]+)>?/im.exec(unfolded);
  return match?.[1] ?? null;
}

/**
 * A local SMTP server that accepts everything at once and records each message's arrival: the
 * fastest partner mail server there could be, so what is measured is Harbour, not the sink.
 * No authentication, no TLS, loopback only.
 */
export class SmtpSink {
  readonly arrivals: Arrival[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    // Alert e-mails are small; a cap keeps a runaway sender from filling memory.
    size: 1_000_000,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const at = performance.now();
        const deliveryId = messageIdOf(Buffer.concat(chunks).toString('utf8')) ?? '';
        for (const rcpt of session.envelope.rcptTo) {
          this.arrivals.push({
            at,
            channel: 'email',
            deliveryId,
            recipient: rcpt.address.toLowerCase(),
          });
        }
        callback();
      });
    },
  });

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }
}

/** A webhook receiver that verifies nothing, answers 204 at once and records each arrival. */
export class WebhookSink {
  readonly arrivals: Arrival[] = [];
  private readonly server: Server = createServer((request, response) => {
    // Recorded when the request arrives: what the partner's system would see first.
    const at = performance.now();
    const id = request.headers['webhook-id'];
    this.arrivals.push({
      at,
      channel: 'webhook',
      deliveryId: Array.isArray(id) ? (id[0] ?? '') : (id ?? ''),
      recipient: (request.url ?? '').split('?')[0] ?? '',
    });
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }
}
