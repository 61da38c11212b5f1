import { Inject, Injectable } from '@nestjs/common';
import { alreadyDecided, EventStore } from '../../../../../libs/event-store/src/index.js';
import { StreamCache, customerIdOf } from '../../../../../libs/read-models/src/index.js';
import { customerStream, foldCustomer, quietThresholds, silenceFacts } from '../../../../../libs/relationship/src/index.js';
import { APP_CONFIG, deterministicId, type AppConfig } from '../../../../../libs/shared/src/index.js';

export interface SilenceCheckResult {
  customers: number;
  unanswered: number;
  quiet: number;
}

/**
 * Re-evaluates every customer at `now` and records what time alone made true as events
 * (InboundMessageWentUnanswered, RelationshipWentQuiet), so projections stay pure functions
 * of the log. Deterministic ids make a re-run (or two workers at once) record each fact once.
 */
@Injectable()
export class SilenceService {
  private readonly thresholds: number[];

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.thresholds = quietThresholds(config.SILENCE_QUIET_DAYS);
  }

  /**
   * `correlationId`: the job's id, when a job runs it; a run at the same `now` is the same flow
   * otherwise (its facts have the same ids too).
   */
  async runCheck(now: Date, pageSize = 500, correlationId = deterministicId('silence-check', now.toISOString())): Promise<SilenceCheckResult> {
    const result: SilenceCheckResult = { customers: 0, unanswered: 0, quiet: 0 };
    const by = { correlationId, actorId: 'system:silence-check' };
    // A fresh cache per run: the run reads each stream once, page by page.
    const cache = new StreamCache(this.store, 50_000);
    let after = '';
    for (;;) {
      const heads = await this.store.streamHeads('customer-', after, pageSize);
      if (heads.length === 0) break;
      after = heads[heads.length - 1].streamId;
      const streams = await cache.load(undefined, new Map(heads.map((h) => [h.streamId, h.version])));
      for (const [streamId, events] of streams) {
        const customerId = customerIdOf(streamId)!;
        const facts = silenceFacts(customerId, events, foldCustomer(events), now, this.thresholds, deterministicId);
        for (const f of facts) {
          await this.store.handle(customerStream(customerId), alreadyDecided, [{ id: f.id, type: f.type, data: f.data, occurredAt: f.data.observedAt }], by);
          if (f.type === 'InboundMessageWentUnanswered') result.unanswered++;
          else result.quiet++;
        }
        result.customers++;
      }
      cache.clear();
    }
    return result;
  }
}
