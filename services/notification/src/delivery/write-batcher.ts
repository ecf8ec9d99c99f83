export interface WriteBatcherOptions<R, A> {
  /**
   * Writes `records` in one go (one statement) and answers for each, in their order. It must be
   * all or nothing: when it throws, none of them was written.
   */
  write(records: readonly R[]): Promise<readonly A[]>;
  /** Most records in one write. */
  maxBatch: number;
  /** Most writes at the same time; a record waits only while this many are running. */
  maxInFlight: number;
}

interface Waiting<R, A> {
  record: R;
  resolve(answer: A): void;
  reject(error: unknown): void;
}

/**
 * Group commit: a record submitted while fewer than `maxInFlight` writes run is written at once,
 * on its own (no delay when the service is quiet); records submitted while they all run wait
 * and go together in the next write, up to `maxBatch` of them. Under load, N records cost one
 * round trip and one commit instead of N.
 *
 * When a write of several records fails, each is written again on its own, so a record the
 * database refuses fails alone rather than taking the others with it; a caller sees only its
 * own record's outcome.
 */
export class WriteBatcher<R, A> {
  private readonly waiting: Waiting<R, A>[] = [];
  private inFlight = 0;

  constructor(private readonly options: WriteBatcherOptions<R, A>) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) {
      throw new Error('a write batcher needs maxBatch and maxInFlight of at least 1');
    }
  }

  /** Resolves with the record's answer once the write holding it has committed. */
  submit(record: R): Promise<A> {
    return new Promise<A>((resolve, reject) => {
      this.waiting.push({ record, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async flush(batch: readonly Waiting<R, A>[]): Promise<void> {
    try {
      this.settle(batch, await this.options.write(batch.map((waiting) => waiting.record)));
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
    }
    await Promise.all(
      batch.map(async (waiting) => {
        try {
          this.settle([waiting], await this.options.write([waiting.record]));
        } catch (error) {
          waiting.reject(error);
        }
      }),
    );
  }

  private settle(batch: readonly Waiting<R, A>[], answers: readonly A[]): void {
    if (answers.length !== batch.length) {
      const error = new Error(`a batch of ${batch.length} was answered ${answers.length} times`);
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, index) => {
      waiting.resolve(answers[index] as A);
    });
  }
}
