import { EvaluationBatcher } from './evaluation-batcher.js';

type Outcome = { ok: true; result: string } | { ok: false; error: Error };

describe('EvaluationBatcher', () => {
  function recorder(answer: (items: number[]) => Outcome[] | Promise<Outcome[]>) {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    let gate = Promise.resolve();
    const run = async (items: number[]) => {
      batches.push(items);
      await gate;
      return answer(items);
    };
    return {
      batches,
      run,
      hold() {
        gate = new Promise((r) => (release = r));
      },
      release: () => release(),
    };
  }

  it('given a free slot, when one item arrives, then it runs at once on its own', async () => {
    const r = recorder((items) => items.map((i) => ({ ok: true, result: `r${i}` })));
    const b = new EvaluationBatcher(r.run, 4, 1);
    await expect(b.submit(1)).resolves.toBe('r1');
    expect(r.batches).toEqual([[1]]);
  });

  it('given every slot busy, when items arrive, then they form the next batches of at most maxBatch, in order', async () => {
    const r = recorder((items) => items.map((i) => ({ ok: true, result: `r${i}` })));
    const b = new EvaluationBatcher(r.run, 3, 1);
    r.hold();
    const all = [1, 2, 3, 4, 5, 6].map((i) => b.submit(i));
    r.release();
    await expect(Promise.all(all)).resolves.toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(r.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('given an item fails, when its batch answers, then only that item is rejected', async () => {
    const r = recorder((items) => items.map((i) => (i === 2 ? { ok: false, error: new Error('bad 2') } : { ok: true, result: `r${i}` })));
    const b = new EvaluationBatcher(r.run, 8, 1);
    r.hold();
    const first = b.submit(0);
    const rest = [1, 2, 3].map((i) => b.submit(i).catch((e: Error) => e.message));
    r.release();
    await first;
    await expect(Promise.all(rest)).resolves.toEqual(['r1', 'bad 2', 'r3']);
  });

  it('given the run throws, when the batch settles, then each of its items is rejected and later items still run', async () => {
    let fail = true;
    const b = new EvaluationBatcher(
      async (items: number[]): Promise<Outcome[]> => {
        if (fail) {
          fail = false;
          throw new Error('database gone');
        }
        return items.map((i) => ({ ok: true, result: `r${i}` }));
      },
      8,
      1,
    );
    await expect(b.submit(1)).rejects.toThrow('database gone');
    await expect(b.submit(2)).resolves.toBe('r2');
  });

  it('given two slots, when items arrive while both are busy, then at most two batches run at once', async () => {
    let running = 0;
    let most = 0;
    const b = new EvaluationBatcher(
      async (items: number[]): Promise<Outcome[]> => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return items.map((i) => ({ ok: true, result: `r${i}` }));
      },
      2,
      2,
    );
    await Promise.all(Array.from({ length: 20 }, (_, i) => b.submit(i)));
    expect(most).toBe(2);
  });

  it('given a burst of one customer held with another customer\'s item, when batches form, then the other customer goes in the next batch and the burst keeps its order', async () => {
    const r = recorder((items) => items.map((i) => ({ ok: true, result: `r${i}` })));
    const b = new EvaluationBatcher(r.run, 4, 1, (i: number) => (i >= 100 ? 'quiet' : 'busy'), 2);
    r.hold();
    const first = b.submit(0);
    const all = [1, 2, 3, 4, 5, 6, 100].map((i) => b.submit(i));
    r.release();
    await first;
    await Promise.all(all);
    expect(r.batches).toEqual([[0], [1, 2, 100], [3, 4], [5, 6]]);
  });
});
