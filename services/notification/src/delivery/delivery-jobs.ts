import type { JobsOptions, Queue } from 'bullmq';
import { type ArmedJobState, armedJobStateOf } from '../infrastructure/job-armer';
import type { ChannelKind } from '../channels/delivery-channel';

/** A delivery job carries only the delivery's id: the Postgres row is the truth. */
export interface DeliveryJobData {
  deliveryId: string;
}

export const DELIVERY_JOB_NAME = 'deliver';

/** The custom backoff type, resolved by the worker's `backoffStrategy`. */
export const DELIVERY_BACKOFF_TYPE = 'harbour-delivery';

/** A delivery as the queue needs it: its id (the job id) and its channel (which queue). */
export interface DeliveryRef {
  id: string;
  channel: ChannelKind;
}

/** `live`: waiting, delayed or being sent; `finished`: completed or failed; `missing`: no job. */
export type DeliveryJobState = ArmedJobState;

/** The queues, as the dispatcher uses them. */
export interface DeliveryJobs {
  /** Adds one job per delivery; a delivery that already has a job (same job id) is left alone. */
  add(deliveries: readonly DeliveryRef[]): Promise<void>;
  state(delivery: DeliveryRef): Promise<DeliveryJobState>;
  /** Removes a finished job so the delivery can be queued again. */
  discard(delivery: DeliveryRef): Promise<void>;
}

/** The queue of one channel: `<name>-email`, `<name>-webhook`, each with its own rate limit. */
export function channelQueueName(name: string, channel: ChannelKind): string {
  return `${name}-${channel}`;
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

/** One BullMQ queue per channel; each delivery's job goes to its channel's queue. */
export class BullDeliveryJobs implements DeliveryJobs {
  constructor(
    private readonly queues: ReadonlyMap<ChannelKind, Queue<DeliveryJobData>>,
    private readonly attempts: number,
  ) {}

  private queueOf(delivery: DeliveryRef): Queue<DeliveryJobData> {
    const queue = this.queues.get(delivery.channel);
    if (queue === undefined) throw new Error(`no queue for channel ${delivery.channel}`);
    return queue;
  }

  async add(deliveries: readonly DeliveryRef[]): Promise<void> {
    for (const [channel, queue] of this.queues) {
      const jobs = deliveries
        .filter((delivery) => delivery.channel === channel)
        .map((delivery) => ({
          name: DELIVERY_JOB_NAME,
          data: { deliveryId: delivery.id },
          opts: deliveryJobOptions(delivery.id, this.attempts),
        }));
      if (jobs.length > 0) await queue.addBulk(jobs);
    }
    const unknown = deliveries.filter((delivery) => !this.queues.has(delivery.channel));
    if (unknown.length > 0) {
      throw new Error(`no queue for channel ${unknown[0]?.channel ?? ''}`);
    }
  }

  async state(delivery: DeliveryRef): Promise<DeliveryJobState> {
    return armedJobStateOf(await this.queueOf(delivery).getJobState(delivery.id));
  }

  async discard(delivery: DeliveryRef): Promise<void> {
    await this.queueOf(delivery).remove(delivery.id);
  }
}
