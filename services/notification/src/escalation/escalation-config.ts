import { defineConfig } from '@harbour/platform';

/** The variables escalation needs; spread into the service's config spec. Both must be at least 1. */
export const escalationConfig = defineConfig({
  NOTIFICATION_ESCALATION_SWEEP_MS: {
    kind: 'int',
    default: '5000',
    description:
      'How often escalation timers without a live queue job are re-armed, and overdue ones fired.',
  },
  NOTIFICATION_ESCALATION_MINUTE_MS: {
    kind: 'int',
    default: '60000',
    description:
      'Length of a minute in escalation policies, in milliseconds. Only tests shorten it.',
  },
});
