import { logLevel } from 'kafkajs';
import pino from 'pino';
import { RecordingLogger } from '../test/recording-logger';
import { dlqTopicOf, kafkaLogCreator } from './kafka-client';
import type { Logger } from './logger';

describe('kafkajs log routing', () => {
  const entry = (level: logLevel, message: string, extra: object = {}) => ({
    namespace: 'Consumer',
    level,
    label: 'X',
    log: { timestamp: '2025-01-01T00:00:00.000Z', message, ...extra },
  });

  it('sends each kafkajs level to the matching logger method with structured fields', () => {
    const logger = new RecordingLogger();
    const log = kafkaLogCreator(logger)(logLevel.INFO);
    log(entry(logLevel.ERROR, 'Crash', { groupId: 'g' }));
    log(entry(logLevel.WARN, 'Slow'));
    log(entry(logLevel.INFO, 'Joined'));
    log(entry(logLevel.DEBUG, 'Fetch'));
    expect(logger.records).toEqual([
      {
        level: 'error',
        obj: { component: 'kafkajs', namespace: 'Consumer', groupId: 'g' },
        msg: 'Crash',
      },
      { level: 'warn', obj: { component: 'kafkajs', namespace: 'Consumer' }, msg: 'Slow' },
      { level: 'info', obj: { component: 'kafkajs', namespace: 'Consumer' }, msg: 'Joined' },
      { level: 'debug', obj: { component: 'kafkajs', namespace: 'Consumer' }, msg: 'Fetch' },
    ]);
  });

  it('demotes the warning about the relay’s deliberately bounded retries', () => {
    const logger = new RecordingLogger();
    kafkaLogCreator(logger)(logLevel.INFO)(
      entry(
        logLevel.WARN,
        'Limiting retries for the idempotent producer may invalidate EoS guarantees',
      ),
    );
    expect(logger.at('warn')).toHaveLength(0);
    expect(logger.at('debug')).toHaveLength(1);
  });

  it('demotes protocol errors kafkajs retries by itself, and only those, to warnings', () => {
    const logger = new RecordingLogger();
    const log = kafkaLogCreator(logger)(logLevel.INFO);
    log(
      entry(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', {
        error: 'The group coordinator is not available',
      }),
    );
    log(entry(logLevel.ERROR, 'Response Produce', { error: 'Not authorized to access topics' }));
    expect(logger.at('warn').map((r) => r.msg)).toEqual([
      'Response GroupCoordinator(key: 10, version: 2)',
    ]);
    expect(logger.at('error').map((r) => r.msg)).toEqual(['Response Produce']);
  });

  it('accepts a pino logger as its Logger', () => {
    const logger: Logger = pino({ enabled: false });
    expect(() => {
      kafkaLogCreator(logger)(logLevel.INFO)(entry(logLevel.INFO, 'ok'));
    }).not.toThrow();
  });

  it('names the dead-letter sibling of a topic', () => {
    expect(dlqTopicOf('harbour.intake.referral.v1')).toBe('harbour.intake.referral.v1.dlq');
  });
});
