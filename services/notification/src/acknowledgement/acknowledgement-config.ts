import { type ConfigIssue, defineConfig } from '@harbour/platform';
import { MIN_ACKNOWLEDGEMENT_SECRET_LENGTH } from '../domain/acknowledgement-token';

/** The variables acknowledgement links need; spread into the service's config spec. */
export const acknowledgementConfig = defineConfig({
  NOTIFICATION_ACK_SECRET: {
    kind: 'string',
    sensitive: true,
    description: `Signs acknowledgement links (HMAC-SHA256); at least ${MIN_ACKNOWLEDGEMENT_SECRET_LENGTH} random characters, e.g. \`openssl rand -base64 48\`. Changing it invalidates every link sent.`,
  },
  NOTIFICATION_PUBLIC_URL: {
    kind: 'url',
    default: 'http://127.0.0.1:8083',
    description:
      'Base URL partners reach this service on; acknowledgement links point at <url>/ack/<token>.',
  },
  NOTIFICATION_ACK_GRACE_MINUTES: {
    kind: 'int',
    default: '1440',
    description:
      "How long an acknowledgement link keeps working after the alert's acknowledge-by time, or after the link was sent if that is later (the link also shows the details its e-mail leaves out).",
  },
});

/** Checks the loader cannot express: the secret's length and a grace that is not negative. */
export function acknowledgementConfigIssues(config: {
  NOTIFICATION_ACK_SECRET: string;
  NOTIFICATION_ACK_GRACE_MINUTES: number;
}): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.NOTIFICATION_ACK_SECRET.length < MIN_ACKNOWLEDGEMENT_SECRET_LENGTH) {
    issues.push({
      variable: 'NOTIFICATION_ACK_SECRET',
      // Only the length: the value is secret.
      reason: `is ${config.NOTIFICATION_ACK_SECRET.length} characters, fewer than ${MIN_ACKNOWLEDGEMENT_SECRET_LENGTH}`,
      description: acknowledgementConfig.NOTIFICATION_ACK_SECRET.description,
    });
  }
  if (config.NOTIFICATION_ACK_GRACE_MINUTES < 0) {
    issues.push({
      variable: 'NOTIFICATION_ACK_GRACE_MINUTES',
      reason: `${config.NOTIFICATION_ACK_GRACE_MINUTES} is negative`,
      description: acknowledgementConfig.NOTIFICATION_ACK_GRACE_MINUTES.description,
    });
  }
  return issues;
}
