import {
  ConfigError,
  databaseConfig,
  defineConfig,
  httpConfig,
  kafkaConfig,
  loadConfig,
  loggingConfig,
  smtpConfig,
  telemetryConfig,
} from './index';

const serviceSpec = defineConfig({
  ...databaseConfig,
  ...kafkaConfig,
  ...httpConfig(8080),
  ...loggingConfig,
  ...telemetryConfig,
  ...smtpConfig,
  FEATURE_ENABLED: { kind: 'boolean', default: 'false', description: 'Turns the feature on.' },
  RETRY_LIMIT: { kind: 'int', description: 'How many times to retry.' },
  SIGNING_SECRET: { kind: 'string', sensitive: true, description: 'Signs acknowledgement links.' },
});

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns typed values with defaults applied', () => {
    const config = loadConfig(serviceSpec, { RETRY_LIMIT: '5', SIGNING_SECRET: 's3cret' });

    // Compile-time checks: these assignments fail to type-check if inference regresses.
    const port: number = config.PORT;
    const brokers: string[] = config.KAFKA_BROKERS;
    const enabled: boolean = config.FEATURE_ENABLED;
    const level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' =
      config.LOG_LEVEL;
    const clientId: string | undefined = config.KAFKA_CLIENT_ID;
    const endpoint: string | undefined = config.OTEL_EXPORTER_OTLP_ENDPOINT;
    // @ts-expect-error an optional variable without a default may be undefined
    const mustBeSet: string = config.KAFKA_CLIENT_ID;
    // @ts-expect-error a port is a number, not a string
    const portText: string = config.PORT;
    expect([mustBeSet, portText]).toEqual([undefined, 8080]);

    expect({ port, brokers, enabled, level, clientId, endpoint }).toEqual({
      port: 8080,
      brokers: ['127.0.0.1:9092'],
      enabled: false,
      level: 'info',
      clientId: undefined,
      endpoint: undefined,
    });
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/harbour');
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.SMTP_URL).toBe('smtp://127.0.0.1:1025');
    expect(config.SMTP_FROM).toBe('Harbour Alerts <alerts@harbour.localhost>');
    expect(config.RETRY_LIMIT).toBe(5);
  });

  it('parses every kind from the environment', () => {
    const config = loadConfig(serviceSpec, {
      PORT: '9090',
      KAFKA_BROKERS: ' broker-1:9092, broker-2:9092 ,',
      FEATURE_ENABLED: 'YES',
      LOG_LEVEL: 'debug',
      KAFKA_CLIENT_ID: 'intake-1',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      RETRY_LIMIT: '-2',
      SIGNING_SECRET: 'x',
    });
    expect(config.PORT).toBe(9090);
    expect(config.KAFKA_BROKERS).toEqual(['broker-1:9092', 'broker-2:9092']);
    expect(config.FEATURE_ENABLED).toBe(true);
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.KAFKA_CLIENT_ID).toBe('intake-1');
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:4318');
    expect(config.RETRY_LIMIT).toBe(-2);
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig(serviceSpec, { PORT: '', RETRY_LIMIT: '1', SIGNING_SECRET: 'x' });
    expect(config.PORT).toBe(8080);
  });

  it('names every bad variable with its reason and description', () => {
    const error = errorOf(() =>
      loadConfig(serviceSpec, {
        PORT: '80x',
        KAFKA_BROKERS: ' , ',
        FEATURE_ENABLED: 'maybe',
        LOG_LEVEL: 'verbose',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url',
        RETRY_LIMIT: '1.5',
      }),
    );

    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'KAFKA_BROKERS',
      'PORT',
      'LOG_LEVEL',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'FEATURE_ENABLED',
      'RETRY_LIMIT',
      'SIGNING_SECRET',
    ]);
    expect(error.message).toContain(
      'Invalid configuration:\n  - KAFKA_BROKERS: "," is an empty comma-separated list.',
    );
    expect(error.message).toContain(
      '  - PORT: "80x" is not a port number (1-65535). HTTP port of the API.',
    );
    expect(error.message).toContain(
      '  - LOG_LEVEL: "verbose" is not one of: fatal, error, warn, info, debug, trace, silent.',
    );
    expect(error.message).toContain(
      '  - OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" is not an absolute URL.',
    );
    expect(error.message).toContain('  - FEATURE_ENABLED: "maybe" is not a boolean');
    expect(error.message).toContain(
      '  - RETRY_LIMIT: "1.5" is not a whole number. How many times to retry.',
    );
    expect(error.message).toContain(
      '  - SIGNING_SECRET: is required but not set. Signs acknowledgement links.',
    );
  });

  it('rejects ports outside 1-65535', () => {
    for (const port of ['0', '65536', '-1', '8080.0']) {
      const error = errorOf(() => loadConfig(httpConfig(8080), { PORT: port }));
      expect(error.message).toContain(`PORT: "${port}" is not a port number (1-65535)`);
    }
  });

  it('never echoes the value of a sensitive variable', () => {
    const marker = 'hunter2-do-not-print';
    const error = errorOf(() =>
      loadConfig(
        defineConfig({
          ...databaseConfig,
          SIGNING_SECRET: {
            kind: 'enum',
            values: ['a', 'b'],
            sensitive: true,
            description: 'Signs links.',
          },
        }),
        { DATABASE_URL: `not-a-url-with-${marker}`, SIGNING_SECRET: marker },
      ),
    );
    expect(error.issues.map((issue) => issue.variable)).toEqual(['DATABASE_URL', 'SIGNING_SECRET']);
    expect(error.message).toContain(
      'DATABASE_URL: the value (hidden, sensitive) is not an absolute URL',
    );
    expect(error.message).not.toContain(marker);
    expect(JSON.stringify(error.issues)).not.toContain(marker);
  });

  it('marks URLs that may hold passwords as sensitive', () => {
    expect(databaseConfig.DATABASE_URL.sensitive).toBe(true);
    expect(smtpConfig.SMTP_URL.sensitive).toBe(true);
  });

  it('loads from process.env by default and returns a frozen object', () => {
    process.env['HARBOUR_TEST_ONLY_VALUE'] = '42';
    try {
      const config = loadConfig(
        defineConfig({ HARBOUR_TEST_ONLY_VALUE: { kind: 'int', description: 'Test value.' } }),
      );
      expect(config.HARBOUR_TEST_ONLY_VALUE).toBe(42);
      expect(Object.isFrozen(config)).toBe(true);
    } finally {
      delete process.env['HARBOUR_TEST_ONLY_VALUE'];
    }
  });
});
