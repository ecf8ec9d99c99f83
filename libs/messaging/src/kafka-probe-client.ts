import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import type { KafkaClient } from './kafka-client';

// Internal (not exported from the library): the configuration each client was made with, so a
// health probe can use a twin that fails fast instead of the client's patient retries.
const configs = new WeakMap<KafkaClient, KafkaConfig>();

export function rememberConfig(kafka: KafkaClient, config: KafkaConfig): void {
  configs.set(kafka, config);
}

/**
 * A client for health probes: no connection retries (a probe that hangs on in the background
 * after its timeout would pile up) and no logs (the probe's answer is the report).
 */
export function probeClientFor(kafka: KafkaClient): KafkaClient {
  const config = configs.get(kafka);
  if (!config) return kafka;
  return new Kafka({ ...config, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
}
