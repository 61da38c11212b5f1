import type { Job } from 'bullmq';
import { JOB_NAMES, type JobData, type JobName, type JobQueue } from '../../../../libs/queues/src/index.js';

export type Processor<Q extends JobQueue, N extends JobName<Q>> = (data: JobData<Q, N>, job: Job) => Promise<unknown>;

/**
 * One processor per job name. `assertComplete` runs at start-up: a job of the typed map with no
 * processor, or with two, stops the worker before it takes any job.
 */
export class ProcessorRegistry<Q extends JobQueue> {
  private readonly processors = new Map<string, Processor<Q, any>[]>();

  constructor(readonly queue: Q) {}

  register<N extends JobName<Q>>(name: N, processor: Processor<Q, N>): this {
    const list = this.processors.get(name) ?? [];
    list.push(processor);
    this.processors.set(name, list);
    return this;
  }

  assertComplete(): void {
    const problems: string[] = [];
    const known = JOB_NAMES[this.queue] as readonly string[];
    for (const name of known) {
      const n = this.processors.get(name)?.length ?? 0;
      if (n === 0) problems.push(`job "${name}" has no processor`);
      if (n > 1) problems.push(`job "${name}" has ${n} processors`);
    }
    for (const name of this.processors.keys()) if (!known.includes(name)) problems.push(`processor for unknown job "${name}"`);
    if (problems.length) throw new Error(`Queue ${this.queue}: ${problems.join('; ')}`);
  }

  /** The dispatching function handed to the BullMQ Worker. */
  dispatcher(): (job: Job) => Promise<unknown> {
    this.assertComplete();
    const table = new Map([...this.processors].map(([k, v]) => [k, v[0]]));
    return async (job) => {
      const p = table.get(job.name);
      if (!p) throw new Error(`no processor for job ${job.name}`); // unreachable after assertComplete
      return p(job.data, job);
    };
  }
}
