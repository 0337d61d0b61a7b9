/**
 * Gathers single calls that arrive together into one batch call (group commit). A call waits at
 * most for the batches already running; when none is, it goes out on the next turn of the event
 * loop, so a lone request is hardly delayed. Under load the batches grow by themselves, and each
 * saves the round trips (socket writes, commits) its calls would have made one by one: on the
 * webhook ingest path those were most of the CPU spent per event.
 */
export class Batcher<I, O> {
  private pending: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    /** Must answer one result per item, in order. */
    private readonly runBatch: (items: I[]) => Promise<O[]>,
    private readonly options: { maxBatch: number; maxRunning: number } = { maxBatch: 200, maxRunning: 2 },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0 || this.running >= this.options.maxRunning) return;
    this.scheduled = true;
    // setImmediate, not a microtask: requests read in the same I/O phase join this batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0, this.options.maxBatch);
    if (batch.length === 0) return;
    this.running += 1;
    void this.runWithFallback(batch).finally(() => {
      this.running -= 1;
      this.schedule();
    });
    this.schedule();
  }

  /** A failed batch is retried one item at a time, so one bad item fails only its own call. */
  private async runWithFallback(batch: typeof this.pending): Promise<void> {
    try {
      const results = await this.runBatch(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(
        batch.map(async (b) => {
          try {
            b.resolve((await this.runBatch([b.item]))[0]!);
          } catch (itemError) {
            b.reject(itemError);
          }
        }),
      );
    }
  }
}
