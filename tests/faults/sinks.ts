import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  connect,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expectEventually, freePort, SmtpInbox } from '@harbour/testing';

/** One delivery as a partner received it: who, about which alert, of what kind, and when. */
export interface Arrival {
  channel: 'email' | 'webhook';
  /** The e-mail address or the webhook URL's path (one path per webhook contact). */
  recipient: string;
  alertId: string;
  /** `alert` for the first alert, otherwise what the message says it is (update, escalation…). */
  kind: string;
  /** The delivery's stable id (Message-ID / webhook-id): equal ids are resends of one delivery. */
  deliveryId: string;
  /** When the sink received it (ms since the epoch). */
  at: number;
}

/**
 * A partner's webhook endpoint: records every signed POST that it accepts, and can be switched
 * to answer 500 (a partner's system failing) without closing its port.
 */
export class WebhookReceiver {
  port = 0;
  private server: Server | undefined;
  private failing = false;
  readonly arrivals: Arrival[] = [];
  /** Requests answered 500 while failing: proof that Harbour did try during the outage. */
  refused = 0;

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        if (this.failing) {
          this.refused += 1;
          response.writeHead(500).end();
          return;
        }
        const payload = JSON.parse(body) as { type?: string; alertId?: string };
        this.arrivals.push({
          channel: 'webhook',
          recipient: request.url ?? '/',
          alertId: payload.alertId ?? 'unknown',
          kind: webhookKind(payload.type, body),
          deliveryId: String(request.headers['webhook-id'] ?? ''),
          at: Date.now(),
        });
        response.writeHead(204).end();
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  fail(failing: boolean): void {
    this.failing = failing;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

function webhookKind(type: string | undefined, body: string): string {
  if (type === 'harbour.alert') {
    return /"escalationLevel":\d+/.test(body) ? 'escalation' : 'alert';
  }
  return type?.replace(/^harbour\.alert\./, '') ?? 'unknown';
}

/**
 * The e-mail side: maildev (a real SMTP server with a REST API) behind a gate on the port the
 * services are given. An SMTP outage closes the gate — connections refused, open sessions cut —
 * while maildev keeps every message it already accepted, so nothing a server acknowledged can
 * vanish from the count with the sink (stopping maildev itself would lose its in-memory inbox).
 */
export class Mailbox {
  private child: ChildProcess | undefined;
  private gate: NetServer | undefined;
  private readonly sessions = new Set<Socket>();
  private smtpPort = 0;
  private maildevSmtpPort = 0;
  private webPort = 0;
  private inbox: SmtpInbox | undefined;
  /** Messages already read, by maildev's id. */
  private readonly seen = new Set<string>();
  private readonly received: Arrival[] = [];

  async start(): Promise<void> {
    this.smtpPort = await freePort();
    this.maildevSmtpPort = await freePort();
    this.webPort = await freePort();
    this.inbox = new SmtpInbox(`http://127.0.0.1:${this.webPort}`);
    await this.startMaildev();
    await this.openGate();
  }

  get smtpUrl(): string {
    return `smtp://127.0.0.1:${this.smtpPort}`;
  }

  /** maildev from the repository's node_modules, found through Node's module search paths. */
  private async startMaildev(): Promise<void> {
    // maildev exports no subpaths, so require.resolve cannot name its folder.
    const bin = (require.resolve.paths('maildev') ?? [])
      .map((dir) => join(dir, 'maildev', 'dist', 'bin', 'maildev.js'))
      .find((path) => existsSync(path));
    if (!bin) throw new Error('maildev is not installed (npm install)');
    const child = spawn(
      process.execPath,
      [
        bin,
        '--smtp',
        String(this.maildevSmtpPort),
        '--web',
        String(this.webPort),
        '--ip',
        '127.0.0.1',
        '--web-ip',
        '127.0.0.1',
        '--silent',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    await expectEventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`maildev exited with ${child.exitCode}`);
        await this.inbox?.messages();
      },
      { timeoutMs: 20_000, intervalMs: 100, description: 'maildev to answer' },
    );
  }

  private async openGate(): Promise<void> {
    const gate = createNetServer((session) => {
      const upstream = connect(this.maildevSmtpPort, '127.0.0.1');
      this.sessions.add(session);
      this.sessions.add(upstream);
      const end = () => {
        session.destroy();
        upstream.destroy();
        this.sessions.delete(session);
        this.sessions.delete(upstream);
      };
      session.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      session.pipe(upstream).pipe(session);
    });
    this.gate = gate;
    await new Promise<void>((resolve, reject) => {
      gate.once('error', reject);
      gate.listen(this.smtpPort, '127.0.0.1', () => {
        resolve();
      });
    });
  }

  /** Reads every message that arrived and returns all arrivals kept so far, one per recipient. */
  async arrivals(): Promise<Arrival[]> {
    for (const message of (await this.inbox?.messages()) ?? []) {
      if (this.seen.has(message.id)) continue;
      this.seen.add(message.id);
      const alertId = /Alert reference: ([0-9a-f-]{36})/.exec(message.text ?? '')?.[1];
      for (const to of message.to) {
        this.received.push({
          channel: 'email',
          recipient: to.address.toLowerCase(),
          alertId: alertId ?? 'unknown',
          kind: emailKind(message.subject),
          deliveryId: message.headers['message-id'] ?? '',
          // maildev stamps the moment its SMTP server accepted the message.
          at: Date.parse(message.time),
        });
      }
    }
    return [...this.received];
  }

  /** SMTP down: the port refuses connections and open sessions are cut mid-conversation. */
  async stop(): Promise<void> {
    const gate = this.gate;
    this.gate = undefined;
    if (!gate) return;
    const closed = new Promise<void>((resolve) =>
      gate.close(() => {
        resolve();
      }),
    );
    for (const socket of this.sessions) socket.destroy();
    this.sessions.clear();
    await closed;
  }

  /** SMTP back on the same port. */
  async restart(): Promise<void> {
    await this.openGate();
  }

  async destroy(): Promise<void> {
    await this.stop();
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

function emailKind(subject: string): string {
  if (subject.startsWith('[UPDATE]')) return 'update';
  const escalation = /^\[ESCALATION level (\d+)\]/.exec(subject);
  if (escalation) return `escalation-${escalation[1]}`;
  if (subject.startsWith('[CLOSED]')) return 'closed';
  if (subject.startsWith('[SUPERSEDED]')) return 'superseded';
  return 'alert';
}
