import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { createLogger, standardOutput } from './create-logger';
import { HarbourNestLogger } from './harbour-nest-logger';

/** Values that must never appear in a log line. */
const MARKERS = {
  name: 'Zanele-Marker-Name',
  email: 'marker.person@example.org',
  postcode: 'NW1 6XE',
  key: 'hbr_abcdefghijkl_MARKERsecretMARKERsecretMARKERsecret123456',
  narrative: 'Marker narrative about the child',
};

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes standard output in the background, not with a blocking write per line', () => {
    // What a service gets when it passes no destination. Not ended: it is this worker's fd 1.
    const out = standardOutput() as pino.DestinationStream & { fd: number; sync: boolean };
    expect(out.fd).toBe(1);
    expect(out.sync).toBe(false);
  });

  it('writes JSON lines with time, level label, service and msg', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'intake', destination: stream });
    logger.info({ operationId: 'op-1' }, 'operation planned');
    logger.debug('not written at info level');

    const [line, ...rest] = lines();
    expect(rest).toHaveLength(0);
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      level: 'info',
      service: 'intake',
      operationId: 'op-1',
      msg: 'operation planned',
    });
  });

  it('keeps personal data out of a real pino destination file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'harbour-log-'));
    const file = join(dir, 'log.ndjson');
    try {
      const destination = pino.destination({ dest: file, sync: true });
      const logger = createLogger({ service: 'safeguarding', destination, level: 'debug' });
      const child = logger.child({ requestFrom: MARKERS.email, alertId: 'al-1' });
      child.info(
        {
          referral: {
            child: { givenName: MARKERS.name, circumstances: MARKERS.narrative },
            lastSeen: `near ${MARKERS.postcode}`,
          },
          headers: { authorization: `Bearer ${MARKERS.key}` },
        },
        'referral from %s about %s',
        MARKERS.email,
        MARKERS.postcode,
      );
      child.warn(`key ${MARKERS.key} was used from ${MARKERS.postcode}`);
      child.error(new Error(`cannot reach ${MARKERS.email}`));
      child.error({ err: new Error(`failed at ${MARKERS.postcode}`), name: MARKERS.name });
      destination.flushSync();

      const written = readFileSync(file, 'utf8');
      const lines = written.trim().split('\n');
      expect(lines).toHaveLength(4);
      for (const marker of Object.values(MARKERS)) expect(written).not.toContain(marker);
      expect(written).not.toContain('Zanele');
      expect(written).not.toContain('MARKERsecret');

      const [first, second, third, fourth] = lines.map(
        (line) => JSON.parse(line) as Record<string, unknown>,
      );
      expect(first).toMatchObject({
        alertId: 'al-1',
        requestFrom: '[REDACTED]',
        msg: 'referral from [REDACTED] about [REDACTED]',
        referral: { child: { givenName: '[REDACTED]', circumstances: '[REDACTED]' } },
      });
      expect(second?.['msg']).toBe('key [REDACTED] was used from [REDACTED]');
      expect(third).toMatchObject({
        level: 'error',
        msg: 'cannot reach [REDACTED]',
        err: { type: 'Error', message: 'cannot reach [REDACTED]' },
      });
      expect(fourth).toMatchObject({ msg: 'failed at [REDACTED]', name: '[REDACTED]' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HarbourNestLogger', () => {
  it('maps Nest log calls to levels with their context, and redacts them', () => {
    const { stream, lines } = capture();
    const nest = new HarbourNestLogger(
      createLogger({ service: 'intake', destination: stream, level: 'debug' }),
    );
    nest.log('Nest application successfully started', 'NestApplication');
    nest.log('Mapped {/health, GET} route', 'RouterExplorer');
    nest.warn(`odd input from ${MARKERS.email}`, 'SomeService');
    nest.error('boom', 'Error: boom\n    at somewhere', 'ExceptionsHandler');

    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', context: 'NestApplication' }),
      expect.objectContaining({ level: 'debug', context: 'RouterExplorer' }),
      expect.objectContaining({ level: 'warn', msg: 'odd input from [REDACTED]' }),
      expect.objectContaining({
        level: 'error',
        context: 'ExceptionsHandler',
        msg: 'boom',
        stack: 'Error: boom\n    at somewhere',
      }),
    ]);
  });
});
