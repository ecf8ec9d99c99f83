import type { JobsOptions, Queue } from 'bullmq';

/** A delivery job carries only the delivery's id: the Postgres row is the truth. */
export interface DeliveryJobData {
  deliveryId: string;
}

export const DELIVERY_JOB_NAME = 'deliver';

/** The custom backoff type, resolved by the worker's `backoffStrategy`. */
export const DELIVERY_BACKOFF_TYPE = 'harbour-delivery';

/** `live`: waiting, delayed or being sent; `finished`: completed or failed; `missing`: no job. */
export type DeliveryJobState = 'live' | 'finished' | 'missing';

/** The queue, as the dispatcher uses it. */
export interface DeliveryJobs {
  /** Adds one job per delivery; a delivery that already has a job (same job id) is left alone. */
  add(deliveryIds: readonly string[]): Promise<void>;
  state(deliveryId: string): Promise<DeliveryJobState>;
  /** Removes a finished job so the delivery can be queued again. */
  discard(deliveryId: string): Promise<void>;
}

const DAY_SECONDS = 24 * 60 * 60;

export function deliveryJobOptions(deliveryId: string, attempts: number): JobsOptions {
  return {
    // One job per delivery: re-adding while the job exists is a no-op.
    jobId: deliveryId,
    attempts,
    backoff: { type: DELIVERY_BACKOFF_TYPE },
    removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
    removeOnFail: { age: 7 * DAY_SECONDS, count: 10_000 },
  };
}

export class BullDeliveryJobs implements DeliveryJobs {
  constructor(
    private readonly queue: Queue<DeliveryJobData>,
    private readonly attempts: number,
  ) {}

  async add(deliveryIds: readonly string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.queue.addBulk(
      deliveryIds.map((deliveryId) => ({
        name: DELIVERY_JOB_NAME,
        data: { deliveryId },
        opts: deliveryJobOptions(deliveryId, this.attempts),
      })),
    );
  }

  async state(deliveryId: string): Promise<DeliveryJobState> {
    const state = await this.queue.getJobState(deliveryId);
    switch (state) {
      case 'unknown':
        return 'missing';
      case 'completed':
      case 'failed':
        return 'finished';
      case 'active':
      case 'delayed':
      case 'prioritized':
      case 'waiting':
      case 'waiting-children':
        return 'live';
    }
  }

  async discard(deliveryId: string): Promise<void> {
    await this.queue.remove(deliveryId);
  }
}
