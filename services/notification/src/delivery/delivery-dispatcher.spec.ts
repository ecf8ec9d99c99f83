import type { Logger } from '@harbour/platform';
import { expectEventually } from '@harbour/testing';
import { DeliveryDispatcher, type PendingDeliveries } from './delivery-dispatcher';
import type { DeliveryJobs, DeliveryJobState, DeliveryRef } from './delivery-jobs';

const ref = (id: string): DeliveryRef => ({ id, channel: 'email' });

const silent: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  child: () => silent,
};

/** The delivery table: pending rows and when each was last handed to the queue. */
class FakeDeliveries implements PendingDeliveries {
  readonly armedAt = new Map<string, Date | null>();

  pending(id: string, armedAt: Date | null = null): void {
    this.armedAt.set(id, armedAt);
  }

  unarmed(limit: number): Promise<DeliveryRef[]> {
    return Promise.resolve(
      [...this.armedAt]
        .filter(([, at]) => at === null)
        .map(([id]) => ref(id))
        .slice(0, limit),
    );
  }

  armedBefore(before: Date, limit: number): Promise<DeliveryRef[]> {
    return Promise.resolve(
      [...this.armedAt]
        .filter(([, at]) => at !== null && at < before)
        .map(([id]) => ref(id))
        .slice(0, limit),
    );
  }

  markArmed(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.armedAt.set(id, new Date());
    return Promise.resolve();
  }
}

/** BullMQ's rules: adding an id that already has a job (in any state) changes nothing. */
class FakeJobs implements DeliveryJobs {
  readonly states = new Map<string, DeliveryJobState>();
  readonly added: string[] = [];
  down = false;

  add(deliveries: readonly DeliveryRef[]): Promise<void> {
    if (this.down)
      return Promise.reject(new Error('Stream isn’t writeable and enableOfflineQueue is false'));
    for (const { id } of deliveries) {
      if (this.states.has(id)) continue;
      this.states.set(id, 'live');
      this.added.push(id);
    }
    return Promise.resolve();
  }

  state({ id }: DeliveryRef): Promise<DeliveryJobState> {
    return Promise.resolve(this.states.get(id) ?? 'missing');
  }

  discard({ id }: DeliveryRef): Promise<void> {
    this.states.delete(id);
    return Promise.resolve();
  }
}

describe('DeliveryDispatcher', () => {
  let deliveries: FakeDeliveries;
  let jobs: FakeJobs;
  let dispatcher: DeliveryDispatcher;
  const longAgo = new Date(Date.now() - 10 * 60_000);

  function startDispatcher(sweepIntervalMs: number): void {
    dispatcher = new DeliveryDispatcher({
      deliveries,
      jobs,
      logger: silent,
      sweepIntervalMs,
      recheckAfterMs: 60_000,
    });
    dispatcher.start();
  }

  beforeEach(() => {
    deliveries = new FakeDeliveries();
    jobs = new FakeJobs();
  });

  afterEach(async () => {
    await dispatcher.stop();
  });

  it('queues new pending deliveries when kicked, once each', async () => {
    startDispatcher(60_000);
    deliveries.pending('a');
    deliveries.pending('b');
    await dispatcher.kick();
    await dispatcher.kick();
    expect(jobs.added.sort()).toEqual(['a', 'b']);
    expect(deliveries.armedAt.get('a')).toBeInstanceOf(Date);
  });

  it('queues a delivery that committed without a kick (a crash in between) on its own', async () => {
    deliveries.pending('orphan');
    startDispatcher(20);
    await expectEventually(() => {
      expect(jobs.added).toEqual(['orphan']);
    });
  });

  it('queues again a pending delivery whose job Redis lost', async () => {
    deliveries.pending('lost', longAgo);
    startDispatcher(20);
    await expectEventually(() => {
      expect(jobs.added).toEqual(['lost']);
    });
  });

  it('replaces a finished job whose delivery is still pending', async () => {
    deliveries.pending('stuck', longAgo);
    jobs.states.set('stuck', 'finished');
    startDispatcher(20);
    await expectEventually(() => {
      expect(jobs.added).toEqual(['stuck']);
      expect(jobs.states.get('stuck')).toBe('live');
    });
  });

  it('leaves a delivery with a live job alone', async () => {
    deliveries.pending('busy', longAgo);
    jobs.states.set('busy', 'live');
    startDispatcher(20);
    await expectEventually(() => {
      expect(deliveries.armedAt.get('busy')?.getTime()).toBeGreaterThan(longAgo.getTime());
    });
    expect(jobs.added).toEqual([]);
  });

  it('keeps trying while the queue is down, and queues once it is back', async () => {
    jobs.down = true;
    startDispatcher(20);
    deliveries.pending('waiting');
    await dispatcher.kick();
    expect(deliveries.armedAt.get('waiting')).toBeNull();
    jobs.down = false;
    await expectEventually(() => {
      expect(jobs.added).toEqual(['waiting']);
    });
  });
});
