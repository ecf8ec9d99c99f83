// One Jest run for the whole workspace: unit, integration and end-to-end projects.
// Integration and e2e tests need real Postgres, Redis, Kafka and SMTP (see libs/testing).
const swcOptions = (parser) => ({
  jsc: {
    target: 'es2023',
    parser,
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
});
const transform = {
  '^.+\\.ts$': ['@swc/jest', swcOptions({ syntax: 'typescript', decorators: true })],
  '^.+\\.js$': ['@swc/jest', swcOptions({ syntax: 'ecmascript' })],
};
// NestJS 12, nodemailer 10 and the OpenID Connect client and test provider (with jose and
// oauth4webapi) ship only ES modules; Jest's module system is CommonJS, so swc transforms those
// packages too (Node 24 itself loads them natively at run time).
const transformIgnorePatterns = [
  '/node_modules/(?!(@nestjs|nodemailer|openid-client|oauth4webapi|jose|oidc-provider)/)',
];
const moduleNameMapper = {
  '^@harbour/platform/telemetry$': '<rootDir>/libs/platform/src/telemetry/index.ts',
  '^@harbour/(contracts|messaging|platform|london|testing)$': '<rootDir>/libs/$1/src/index.ts',
};
const common = {
  rootDir: __dirname,
  transform,
  transformIgnorePatterns,
  moduleNameMapper,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.tools/', '<rootDir>/.run/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      // tests/perf and tests/faults: the pure parts of the benchmark and the fault suite
      // (percentiles, reconciliation, report writers).
      testMatch: [
        '<rootDir>/{libs,services,deploy,contracts}/**/*.spec.ts',
        '<rootDir>/tests/perf/**/*.spec.ts',
        '<rootDir>/tests/faults/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,deploy}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      slowTestThreshold: 30,
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/tests/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      slowTestThreshold: 60,
    },
  ],
};
