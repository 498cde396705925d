/**
 * Collects items submitted one at a time into batches of at most `maxSize`, flushed when full or
 * `maxWaitMs` after the first item arrived. Each submitter gets its own item's result.
 */
export class MicroBatcher<Item, Result> {
  private pending: { item: Item; resolve: (r: Result) => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      maxSize: number;
      maxWaitMs: number;
      /** One result per item, in order. A throw fails every item of the batch. */
      flush: (items: Item[]) => Promise<Result[]>;
    },
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxSize) this.flushNow();
      else this.timer ??= setTimeout(() => this.flushNow(), this.options.maxWaitMs);
    });
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending.splice(0, this.options.maxSize);
    if (this.pending.length > 0) this.timer = setTimeout(() => this.flushNow(), this.options.maxWaitMs);
    if (batch.length === 0) return;
    const run = this.options
      .flush(batch.map((entry) => entry.item))
      .then(
        (results) => {
          batch.forEach((entry, i) => {
            const result = results[i];
            if (result === undefined)
              entry.reject(new Error("batch flush returned fewer results than items"));
            else entry.resolve(result);
          });
        },
        (error: unknown) => {
          for (const entry of batch) entry.reject(error);
        },
      )
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  /** Flush what is pending and wait for every batch in flight. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) this.flushNow();
    await Promise.all([...this.inFlight]);
  }
}
