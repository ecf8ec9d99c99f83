import { SERVICE_NAMES } from './fault-stack';
import { poisonScenario, replayScenario } from './poison';
import {
  escalationWhileDown,
  kafkaDown,
  killAndRestart,
  postgresRestart,
  redisEmpty,
  type Scenario,
  smtpDown,
  webhookFailing,
} from './scenarios';

/** Every scenario, in the order issue 8 lists them; `FAULTS_ONLY` (comma-separated keys) picks some. */
export const SCENARIOS: Record<string, Scenario> = {
  ...Object.fromEntries(SERVICE_NAMES.map((s) => [`kill-${s}`, killAndRestart(s)])),
  'kafka-down': kafkaDown,
  'redis-empty': redisEmpty,
  'postgres-restart': postgresRestart,
  'smtp-down': smtpDown,
  'webhook-500': webhookFailing,
  poison: poisonScenario,
  'dlq-replay': replayScenario,
  // Last: it leaves notification running with a 2-second escalation minute.
  'escalation-while-down': escalationWhileDown,
};
