import { ConfigError, generateDataEncryptionKey } from '@harbour/platform';
import { loadIntakeConfig } from './config';

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: 'postgres://localhost/test',
  KAFKA_BROKERS: 'localhost:9092',
  DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
  ...extra,
});

describe('intake config: the tonight matching window', () => {
  it('is 6 hours unless set', () => {
    expect(loadIntakeConfig(env()).BED_REQUEST_TONIGHT_WINDOW_HOURS).toBe(6);
    expect(
      loadIntakeConfig(env({ BED_REQUEST_TONIGHT_WINDOW_HOURS: '12' }))
        .BED_REQUEST_TONIGHT_WINDOW_HOURS,
    ).toBe(12);
  });

  it.each(['0', '25', 'six'])('refuses %s at start', (hours) => {
    expect(() => loadIntakeConfig(env({ BED_REQUEST_TONIGHT_WINDOW_HOURS: hours }))).toThrow(
      ConfigError,
    );
  });
});
