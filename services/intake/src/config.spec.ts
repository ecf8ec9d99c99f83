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

describe('intake config: data keys during a rotation', () => {
  const current = generateDataEncryptionKey();
  const retired = generateDataEncryptionKey();

  it('reads the retired keys (comma-separated) and the pinned blind-index key', () => {
    const config = loadIntakeConfig(
      env({
        DATA_ENCRYPTION_KEY: current,
        DATA_ENCRYPTION_RETIRED_KEYS: ` ${retired} ,`,
        DATA_INDEX_KEY: retired,
      }),
    );
    expect(config.DATA_ENCRYPTION_RETIRED_KEYS).toEqual([retired]);
    expect(config.DATA_INDEX_KEY).toBe(retired);
  });

  it('refuses retired keys without DATA_INDEX_KEY, quoting no key', () => {
    let message = '';
    try {
      loadIntakeConfig(
        env({ DATA_ENCRYPTION_KEY: current, DATA_ENCRYPTION_RETIRED_KEYS: retired }),
      );
    } catch (error) {
      if (error instanceof ConfigError) message = error.message;
    }
    expect(message).toContain('DATA_INDEX_KEY: is required while DATA_ENCRYPTION_RETIRED_KEYS');
    expect(message).not.toContain(current);
    expect(message).not.toContain(retired);
  });
});
