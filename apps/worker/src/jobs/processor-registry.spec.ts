import { QUEUES } from '../../../../libs/queues/src/index.js';
import { ProcessorRegistry } from './processor-registry.js';

describe('ProcessorRegistry', () => {
  const ok = async () => undefined;
  it('given every job has one processor, when checked, then start-up goes on', () => {
    const r = new ProcessorRegistry(QUEUES.followUps).register('evaluate-event', ok).register('follow-up-sweep', ok);
    expect(() => r.assertComplete()).not.toThrow();
  });
  it('given a job without a processor, when checked, then start-up fails naming it', () => {
    const r = new ProcessorRegistry(QUEUES.followUps).register('evaluate-event', ok);
    expect(() => r.assertComplete()).toThrow(/"follow-up-sweep" has no processor/);
  });
  it('given a job with two processors, when checked, then start-up fails', () => {
    const r = new ProcessorRegistry(QUEUES.followUps).register('evaluate-event', ok).register('evaluate-event', ok).register('follow-up-sweep', ok);
    expect(() => r.dispatcher()).toThrow(/"evaluate-event" has 2 processors/);
  });
});
