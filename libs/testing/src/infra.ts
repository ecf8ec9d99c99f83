import { randomBytes } from 'node:crypto';

/**
 * Where the real test infrastructure is. The Jest global setup (global-setup.ts) resolves it
 * once — from env when given, from testcontainers when Docker exists — and leaves it in env.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. Run the tests with \`npm test\` (it starts what they need), or set ${name} ` +
        'to a running service; see README.md "Running the tests".',
    );
  }
  return value;
}

export const testDatabaseUrl = (): string => required('DATABASE_URL');
export const testRedisUrl = (): string => required('REDIS_URL');
export const testKafkaBrokers = (): string[] =>
  required('KAFKA_BROKERS')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
export const testSmtpUrl = (): string => required('SMTP_URL');
/** The HTTP API of the SMTP inbox (maildev's `/api/email`). */
export const testSmtpApiUrl = (): string => required('SMTP_API_URL');

/** A name no other test run will use: for schemas, topics, groups and key prefixes. */
export function uniqueName(prefix: string): string {
  const safe = prefix.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return `${safe}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
