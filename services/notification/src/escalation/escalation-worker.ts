import type { Logger } from '@harbour/platform';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EscalationJobData } from './escalation-jobs';
import type { FireEscalation } from './fire-escalation';

export interface EscalationWorkerOptions {
  queueName: string;
  prefix: string;
  /** Must have `maxRetriesPerRequest: null` (BullMQ blocks on it). */
  connection: Redis;
  concurrency: number;
  fire: FireEscalation;
  logger: Logger;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function timerIdOf(job: Job<EscalationJobData>): string {
  const id: unknown = (job.data as Partial<EscalationJobData> | undefined)?.timerId;
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw new UnrecoverableError('job has no valid timerId');
  }
  return id;
}

/** Fires each escalation job's timer when its delay is up. */
export function startEscalationWorker(options: EscalationWorkerOptions): Worker<EscalationJobData> {
  const { logger } = options;
  const worker = new Worker<EscalationJobData>(
    options.queueName,
    async (job) => (await options.fire.execute(timerIdOf(job))).kind,
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      autorun: true,
    },
  );
  worker.on('error', (error) => {
    logger.error({ err: `${error.name}: ${error.message}` }, 'escalation worker error');
  });
  worker.on('failed', (job, error) => {
    logger.warn(
      {
        timerId: job?.data.timerId,
        attemptsMade: job?.attemptsMade,
        err: `${error.name}: ${error.message}`,
      },
      'escalation job errored; it is retried, and the sweep fires the timer when overdue',
    );
  });
  return worker;
}
