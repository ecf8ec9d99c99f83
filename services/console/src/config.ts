import {
  ConfigError,
  type ConfigIssue,
  databaseConfig,
  defineConfig,
  httpConfig,
  identityDataKeyConfig,
  identityDataKeyIssues,
  loadConfig,
  loggingConfig,
  smtpConfig,
  telemetryConfig,
  type Config,
} from '@harbour/platform';
import { oidcConfig, oidcConfigIssues } from './auth/oidc-settings';

export const consoleConfigSpec = defineConfig({
  ...databaseConfig,
  ...smtpConfig,
  ...httpConfig(8084),
  ...loggingConfig,
  ...telemetryConfig,
  // IDENTITY_DATA_KEY, IDENTITY_DATA_RETIRED_KEYS and IDENTITY_DATA_INDEX_KEY, as `harbour person` reads them.
  ...identityDataKeyConfig,
  CONSOLE_PUBLIC_URL: {
    kind: 'url',
    default: 'http://127.0.0.1:8084',
    description:
      'Where people reach the console (sign-in links point here). https makes the session cookie Secure and __Host- prefixed.',
  },
  CONSOLE_SESSION_IDLE_MINUTES: {
    kind: 'int',
    default: '30',
    description: 'A session unused this long ends.',
  },
  CONSOLE_SESSION_MAX_MINUTES: {
    kind: 'int',
    default: '720',
    description: 'A session ends this long after sign-in, however much it is used.',
  },
  INTAKE_URL: {
    kind: 'url',
    default: 'http://127.0.0.1:8080',
    description: "The intake service's REST API, reached by the console's /api/intake/ proxy.",
  },
  SAFEGUARDING_URL: {
    kind: 'url',
    default: 'http://127.0.0.1:8081',
    description: "The safeguarding service's REST API (/api/safeguarding/).",
  },
  ACCOMMODATION_URL: {
    kind: 'url',
    default: 'http://127.0.0.1:8082',
    description: "The accommodation service's REST API (/api/accommodation/).",
  },
  NOTIFICATION_URL: {
    kind: 'url',
    default: 'http://127.0.0.1:8083',
    description: "The notification service's REST API (/api/notification/).",
  },
  CONSOLE_EMAIL_SIGN_IN: {
    kind: 'boolean',
    default: 'true',
    description:
      'Whether people may ask for an e-mailed sign-in link; off needs CONSOLE_OIDC_ISSUER (sign-in through the identity provider only).',
  },
  ...oidcConfig,
  CONSOLE_WEB_DIR: {
    kind: 'string',
    optional: true,
    description: 'Where the built web app is; default the build output beside the service.',
  },
});

export type ConsoleConfig = Config<typeof consoleConfigSpec>;

export function loadConsoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const config = loadConfig(consoleConfigSpec, env);
  const issues: ConfigIssue[] = [];
  // Refused at start, naming the variable: a wrong or missing key would make people unreadable.
  issues.push(...identityDataKeyIssues(config));
  if (config.CONSOLE_SESSION_IDLE_MINUTES < 1) {
    issues.push({
      variable: 'CONSOLE_SESSION_IDLE_MINUTES',
      reason: 'is less than 1',
      description: 'minutes',
    });
  }
  if (config.CONSOLE_SESSION_MAX_MINUTES < config.CONSOLE_SESSION_IDLE_MINUTES) {
    issues.push({
      variable: 'CONSOLE_SESSION_MAX_MINUTES',
      reason: 'is less than CONSOLE_SESSION_IDLE_MINUTES',
      description: 'minutes',
    });
  }
  issues.push(...oidcConfigIssues(config));
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}
