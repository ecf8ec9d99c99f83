import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { expectEventually } from './expect-eventually';

/**
 * maildev — a real SMTP server with a REST API — as a child process on given ports. It can be
 * stopped and started again on the same ports (an SMTP outage in a test).
 */
export class MaildevProcess {
  private child: ChildProcess | undefined;

  constructor(
    readonly smtpPort: number,
    readonly webPort: number,
  ) {}

  get smtpUrl(): string {
    return `smtp://127.0.0.1:${this.smtpPort}`;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.webPort}`;
  }

  /** Starts it and waits until its REST API answers. */
  async start(): Promise<void> {
    const bin = join(__dirname, '..', '..', '..', 'node_modules', 'maildev', 'dist', 'bin');
    const child = spawn(
      process.execPath,
      [
        join(bin, 'maildev.js'),
        '--smtp',
        String(this.smtpPort),
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
        const response = await fetch(`${this.apiUrl}/api/email`);
        if (!response.ok) throw new Error(`maildev answered ${response.status}`);
      },
      // A cold start on a loaded machine has taken longer than 20 s.
      { timeoutMs: 60_000, intervalMs: 100, description: 'maildev to answer' },
    );
  }

  /** Stops it and waits for its exit, so nothing listens on its ports any more. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
