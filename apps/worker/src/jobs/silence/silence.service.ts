import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../../../libs/event-store/src/index.js';
import { StreamCache, customerIdOf } from '../../../../../libs/read-models/src/index.js';
import { customerStream, foldCustomer } from '../../../../../libs/relationship/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../../libs/shared/src/index.js';
import { quietThresholds, silenceFacts } from './silence.policy.js';

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
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.thresholds = quietThresholds(config.SILENCE_QUIET_DAYS);
  }

  async runCheck(now: Date, pageSize = 500): Promise<SilenceCheckResult> {
    const result: SilenceCheckResult = { customers: 0, unanswered: 0, quiet: 0 };
    // A fresh cache per run: the run reads each stream once, page by page.
    const cache = new StreamCache(this.store.upcasters, 50_000);
    let after = '';
    for (;;) {
      const rows: { stream_id: string; v: number }[] = await this.ds.query(
        `SELECT stream_id, max(stream_version)::int AS v FROM events
         WHERE stream_id LIKE 'customer-%' AND stream_id > $1 GROUP BY stream_id ORDER BY stream_id LIMIT $2`,
        [after, pageSize],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].stream_id;
      const streams = await cache.load(this.ds, new Map(rows.map((r) => [r.stream_id, r.v])));
      for (const [streamId, events] of streams) {
        const customerId = customerIdOf(streamId)!;
        const facts = silenceFacts(customerId, events, foldCustomer(events), now, this.thresholds);
        for (const f of facts) {
          await this.store.append(customerStream(customerId), [{ id: f.id, type: f.type, data: f.data, metadata: { occurredAt: f.data.observedAt, actorId: 'system:silence-check' } }]);
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
