import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { expectEventually } from '@harbour/testing';
import { ConfigError } from '../config/config-error';
import { runService, type ServiceProcess } from './run-service';

/** A stand-in process: real streams and events, with exit recorded instead of performed. */
function fakeProcess(): ServiceProcess & {
  emitter: EventEmitter;
  exits: number[];
  out: () => string;
  err: () => string;
} {
  const emitter = new EventEmitter();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const outChunks: string[] = [];
  const errChunks: string[] = [];
  stdout.on('data', (chunk: Buffer) => outChunks.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => errChunks.push(chunk.toString('utf8')));
  const exits: number[] = [];
  return {
    env: { LOG_LEVEL: 'info' },
    stdout,
    stderr,
    on: (event, listener) => emitter.on(event, listener),
    exit: (code) => {
      exits.push(code);
    },
    emitter,
    exits,
    out: () => outChunks.join(''),
    err: () => errChunks.join(''),
  };
}

function recordingTelemetry(): { shutdown: () => Promise<void>; calls: () => number } {
  let calls = 0;
  return {
    shutdown: () => {
      calls += 1;
      return Promise.resolve();
    },
    calls: () => calls,
  };
}

describe('runService', () => {
  it('prints a configuration error plainly and exits 1', async () => {
    const host = fakeProcess();
    const telemetry = recordingTelemetry();
    runService(
      'intake',
      telemetry,
      () =>
        Promise.reject(
          new ConfigError([
            { variable: 'PORT', reason: '"x" is not a port number', description: 'Port.' },
          ]),
        ),
      host,
    );
    await expectEventually(() => {
      expect(host.exits).toEqual([1]);
    });
    expect(host.err()).toBe('Invalid configuration:\n  - PORT: "x" is not a port number. Port.\n');
    expect(telemetry.calls()).toBe(1);
  });

  it('logs any other start failure redacted, and exits 1', async () => {
    const host = fakeProcess();
    runService(
      'intake',
      recordingTelemetry(),
      () => Promise.reject(new Error('cannot reach owner jo@example.org')),
      host,
    );
    await expectEventually(() => {
      expect(host.exits).toEqual([1]);
    });
    expect(host.out()).toContain('"msg":"start failed"');
    expect(host.out()).toContain('cannot reach owner [REDACTED]');
    expect(host.out()).not.toContain('jo@example.org');
  });

  it('on SIGTERM closes the service once, flushes telemetry and exits 0', async () => {
    const host = fakeProcess();
    const telemetry = recordingTelemetry();
    let closes = 0;
    runService(
      'notification',
      telemetry,
      () =>
        Promise.resolve({
          close: () => {
            closes += 1;
            return Promise.resolve();
          },
        }),
      host,
    );
    await expectEventually(() => {
      expect(host.out()).toContain('"msg":"started"');
    });

    host.emitter.emit('SIGTERM', 'SIGTERM');
    host.emitter.emit('SIGINT', 'SIGINT');
    await expectEventually(() => {
      expect(host.exits).toEqual([0]);
    });
    expect(closes).toBe(1);
    expect(telemetry.calls()).toBe(1);
  });
});
