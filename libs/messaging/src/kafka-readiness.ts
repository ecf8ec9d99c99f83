import type { KafkaClient } from './kafka-client';
import { probeClientFor } from './kafka-probe-client';

export interface ReadinessCheck {
  name: 'kafka';
  /** Resolves when a broker answered; rejects otherwise. */
  check(): Promise<void>;
}

/** Readiness probe: the cluster answers a metadata request within `timeoutMs` (default 3 000). */
export function kafkaReadiness(kafka: KafkaClient, timeoutMs = 3_000): ReadinessCheck {
  const probe = probeClientFor(kafka);
  return {
    name: 'kafka',
    async check(): Promise<void> {
      const admin = probe.admin({ retry: { retries: 0 } });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`Kafka did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      try {
        await Promise.race([
          (async () => {
            await admin.connect();
            await admin.describeCluster();
          })(),
          timeout,
        ]);
      } finally {
        clearTimeout(timer);
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
