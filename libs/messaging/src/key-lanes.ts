/**
 * The messages of one fetched batch (one partition), split into lanes by key: each lane keeps its
 * messages in offset order, and lanes may run side by side. Messages without a key share one lane.
 * Returns the indexes of the messages, lane by lane, lanes in order of their first message.
 */
export function lanesByKey(keys: readonly (Buffer | string | null | undefined)[]): number[][] {
  const lanes = new Map<string, number[]>();
  keys.forEach((key, index) => {
    // A prefix keeps "no key" apart from any real key's text.
    const name = key === null || key === undefined ? '-' : `k${key.toString()}`;
    const lane = lanes.get(name);
    if (lane === undefined) lanes.set(name, [index]);
    else lane.push(index);
  });
  return [...lanes.values()];
}

/**
 * Which offsets of a batch may be committed: those of the longest run of finished messages from
 * the start of the batch. A message finished out of order (another lane was faster) waits until
 * every message before it has finished too, so a crash never skips an unprocessed message.
 */
export class FinishedPrefix {
  private readonly finished: boolean[];
  private next = 0;

  constructor(size: number) {
    this.finished = new Array<boolean>(size).fill(false);
  }

  /** Marks message `index` finished; returns the indexes the committable prefix grew by. */
  finish(index: number): number[] {
    this.finished[index] = true;
    const grown: number[] = [];
    while (this.next < this.finished.length && this.finished[this.next]) {
      grown.push(this.next);
      this.next += 1;
    }
    return grown;
  }

  /** How many messages from the start of the batch are finished. */
  get length(): number {
    return this.next;
  }
}

/** At most `size` holders at a time; waiters are served first come, first served. */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error('slots must be a positive integer');
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}
