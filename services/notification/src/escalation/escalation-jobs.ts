import type { JobsOptions, Queue } from 'bullmq';
import { type ArmedJobState, armedJobStateOf } from '../infrastructure/job-armer';
import type { ArmableTimer } from './escalation-timers';

/** An escalation job carries only the timer's id: the Postgres row is the truth. */
export interface EscalationJobData {
  timerId: string;
}

export const ESCALATION_JOB_NAME = 'escalate';

/** The escalation queue sits next to the channel queues: `<delivery queue name>-escalation`. */
export function escalationQueueName(deliveryQueueName: string): string {
  return `${deliveryQueueName}-escalation`;
}

/** `live`: delayed, waiting or running; `finished`: completed or failed; `missing`: no job. */
export type EscalationJobState = ArmedJobState;

/** The queue, as the sweep uses it. */
export interface EscalationJobs {
  /** One delayed job per timer, due at its `dueAt`; a timer that already has a job is left alone. */
  add(timers: readonly ArmableTimer[]): Promise<void>;
  state(timerId: string): Promise<EscalationJobState>;
  /** Removes a timer's job, so it can be added again. */
  discard(timerId: string): Promise<void>;
}

export function escalationJobOptions(timer: ArmableTimer, now: Date): JobsOptions {
  return {
    // One job per timer: re-adding while the job exists is a no-op.
    jobId: timer.id,
    delay: Math.max(0, timer.dueAt.getTime() - now.getTime()),
    // Errors (the database away) are retried here and, past these, by the sweep.
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: true,
  };
}

export class BullEscalationJobs implements EscalationJobs {
  constructor(
    private readonly queue: Queue<EscalationJobData>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async add(timers: readonly ArmableTimer[]): Promise<void> {
    if (timers.length === 0) return;
    const now = this.now();
    await this.queue.addBulk(
      timers.map((timer) => ({
        name: ESCALATION_JOB_NAME,
        data: { timerId: timer.id },
        opts: escalationJobOptions(timer, now),
      })),
    );
  }

  async state(timerId: string): Promise<EscalationJobState> {
    return armedJobStateOf(await this.queue.getJobState(timerId));
  }

  async discard(timerId: string): Promise<void> {
    await this.queue.remove(timerId);
  }
}
