/**
 * Gathers the jobs a BullMQ worker holds at the same moment into batches for one call of `run`
 * (one database transaction for many events). No timer: a batch starts as soon as a slot is
 * free, so under light load each job runs alone at once, and under load the jobs that arrive
 * while `parallel` batches are running form the next batch (up to `maxBatch`).
 * `run` answers one outcome per item, in order; if it throws, every item of the batch fails.
 *
 * Fair between keys (customers): a batch takes at most `perKey` items of one key, the rest of
 * that key wait in order for later batches, so a customer with a burst of events (and a long
 * stream: each of its evaluations is slow) cannot fill every batch, and another customer's
 * evaluation, held at the same time, goes in the next batch instead of behind the burst.
 */
export class EvaluationBatcher<T, R> {
  private readonly pending: { item: T; resolve: (r: R) => void; reject: (e: Error) => void }[] = [];
  private running = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<({ ok: true; result: R } | { ok: false; error: Error })[]>,
    private readonly maxBatch: number,
    private readonly parallel: number,
    private readonly keyOf?: (item: T) => string,
    private readonly perKey = maxBatch,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.parallel && this.pending.length > 0) {
      const batch = this.take();
      this.running++;
      this.run(batch.map((b) => b.item))
        .then(
          (outcomes) =>
            batch.forEach((b, i) => {
              const o = outcomes[i];
              if (!o) b.reject(new Error('no outcome for a batched item'));
              else if (o.ok) b.resolve(o.result);
              else b.reject(o.error);
            }),
          (err) => batch.forEach((b) => b.reject(err instanceof Error ? err : new Error(String(err)))),
        )
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  /** The next batch: pending items in order, at most `perKey` of one key (the others stay, in order). */
  private take(): { item: T; resolve: (r: R) => void; reject: (e: Error) => void }[] {
    if (!this.keyOf || this.perKey >= this.maxBatch) return this.pending.splice(0, this.maxBatch);
    const batch: typeof this.pending = [];
    const rest: typeof this.pending = [];
    const counts = new Map<string, number>();
    for (const p of this.pending) {
      const key = this.keyOf(p.item);
      const n = counts.get(key) ?? 0;
      if (batch.length < this.maxBatch && n < this.perKey) {
        counts.set(key, n + 1);
        batch.push(p);
      } else rest.push(p);
    }
    this.pending.splice(0, this.pending.length, ...rest);
    return batch;
  }
}
