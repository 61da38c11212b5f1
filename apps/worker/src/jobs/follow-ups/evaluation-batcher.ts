/**
 * Gathers the jobs a BullMQ worker holds at the same moment into batches for one call of `run`
 * (one database transaction for many events). No timer: a batch starts as soon as a slot is
 * free, so under light load each job runs alone at once, and under load the jobs that arrive
 * while `parallel` batches are running form the next batch (up to `maxBatch`).
 * `run` answers one outcome per item, in order; if it throws, every item of the batch fails.
 */
export class EvaluationBatcher<T, R> {
  private readonly pending: { item: T; resolve: (r: R) => void; reject: (e: Error) => void }[] = [];
  private running = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<({ ok: true; result: R } | { ok: false; error: Error })[]>,
    private readonly maxBatch: number,
    private readonly parallel: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.parallel && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
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
}
