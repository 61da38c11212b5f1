import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, deterministicId, IdGenerator, metrics, ProblemException } from '../../../../libs/shared/src/index.js';
import type { SourceFormat } from '../sources/sources.dto.js';
import { CustomerResolutionError, TouchpointIdTakenError, TouchpointIngestor, type IngestContext } from '../touchpoints/touchpoint-ingestor.js';
import { validateTouchpoints, type TouchpointDto } from '../touchpoints/touchpoint.schema.js';
import { MAPPERS, MappingError, type Headers, type Mapped } from './mappers/index.js';
import { SignatureError, verifyHubspot, verifyIntercom, verifyStandardWebhook, verifyZendesk } from './signatures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Kept with a dead letter so it can be mapped again; signatures and credentials are not kept.
const SAFE_HEADERS = /^(content-type|user-agent|webhook-id|webhook-timestamp|ce-[a-z0-9-]+|x-zendesk-webhook-id|x-zendesk-webhook-signature-timestamp|x-zendesk-webhook-invocation-id|x-hubspot-request-timestamp|x-request-id)$/;

export interface Delivery {
  raw: Buffer;
  headers: Headers;
  method: string;
  /** Candidate URIs the sender may have signed (HubSpot signs the full URI). */
  uris: string[];
  correlationId: string;
}

export interface DeliveryResult {
  status: 200 | 202;
  body: { eventIds: string[]; duplicate?: boolean; ignored?: number; deadLetterId?: string };
}

interface SourceRow {
  id: string;
  format: SourceFormat;
  secret: string;
  previous_secret: string | null;
  /** Epoch ms until which the previous secret is accepted (0: none). */
  previous_until: number;
}

// Source rows are read on every delivery; a short cache saves a round trip. A signature that
// fails against a cached row is checked again against a fresh one, so a rotation is seen at once.
const SOURCE_CACHE_MS = 30_000;

/** Plain string headers, lower-cased (arrays joined as Node does for repeated headers). */
export function normalizeHeaders(h: Record<string, string | string[] | undefined>): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Authentic, but it cannot be stored as it is: kept as a dead letter with this reason. */
function deadLetterReason(err: unknown): string | undefined {
  if (err instanceof MappingError) return err.message;
  if (err instanceof CustomerResolutionError) return `customer: ${err.message}`;
  if (err instanceof TouchpointIdTakenError) return 'id: a touchpoint id is taken by another customer or another source';
  return undefined;
}

// TypeORM answers UPDATE ... RETURNING with [rows, count].
const returned = (r: any): any[] => (Array.isArray(r) && Array.isArray(r[0]) ? r[0] : r);

const unauthorized = () => ProblemException.unauthorized('The webhook signature is missing, invalid or stale.');

/**
 * Inbound webhooks: authenticate (the source's secret and format, never the payload's word),
 * map to touchpoints, store them with the durable dedupe key in one transaction, or keep the
 * delivery whole as a dead letter when it is authentic but cannot be mapped.
 */
@Injectable()
export class WebhookReceiver {
  private readonly logger = new Logger('Webhooks');
  private readonly sources = new Map<string, { row: SourceRow; at: number }>();

  constructor(
    private readonly ds: DataSource,
    private readonly ingestor: TouchpointIngestor,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async receive(sourceId: string, d: Delivery): Promise<DeliveryResult> {
    let source = await this.loadSource(sourceId, true);
    if (!source) {
      metrics.webhookDeliveries.inc({ format: 'unknown', outcome: 'rejected_signature' });
      throw unauthorized();
    }
    try {
      let matched: 'current' | 'previous' | undefined;
      try {
        matched = this.verify(source, d);
      } catch (err) {
        if (!(err instanceof SignatureError)) throw err;
      }
      // Not the cached current secret: the stored row decides (a rotation since, or the end of
      // the previous secret's grace period).
      if (matched !== 'current') {
        const fresh = await this.loadSource(sourceId, false);
        if (!fresh) throw new SignatureError('source gone');
        source = fresh;
        this.verify(source, d);
      }
    } catch (err) {
      if (!(err instanceof SignatureError)) throw err;
      metrics.webhookDeliveries.inc({ format: source.format, outcome: 'rejected_signature' });
      this.logger.warn({ sourceId: source.id, reason: err.message }, 'webhook refused');
      throw unauthorized();
    }
    // Authentic from here on: nothing is dropped; what cannot be mapped becomes a dead letter.
    let mapped: Mapped | undefined;
    try {
      mapped = MAPPERS[source.format]({ sourceId: source.id, body: d.raw, headers: d.headers });
      const touchpoints = this.validate(mapped.touchpoints);
      return await this.store(source, mapped, touchpoints, d);
    } catch (err) {
      const reason = deadLetterReason(err);
      if (reason === undefined) throw err;
      const dedupeKey = mapped?.dedupeKey ?? this.fallbackDedupeKey(source, d);
      return this.deadLetter(source, d, dedupeKey, reason);
    }
  }

  private verify(source: SourceRow, d: Delivery): 'current' | 'previous' {
    const now = this.clock.now().getTime();
    const secrets = [source.secret, ...(source.previous_secret && source.previous_until > now ? [source.previous_secret] : [])];
    let last: unknown;
    for (const [k, secret] of secrets.entries()) {
      const which = k === 0 ? 'current' : 'previous';
      try {
        switch (source.format) {
          case 'touchpoint':
          case 'cloudevents':
            verifyStandardWebhook(secret, d.raw, d.headers);
            return which;
          case 'zendesk':
            verifyZendesk(secret, d.raw, d.headers, now);
            return which;
          case 'intercom':
            verifyIntercom(secret, d.raw, d.headers);
            return which;
          case 'hubspot':
            verifyHubspot(secret, d.raw, d.headers, d.method, d.uris, now);
            return which;
        }
      } catch (err) {
        last = err;
      }
    }
    throw last instanceof SignatureError ? last : new SignatureError('unverifiable');
  }

  private validate(items: unknown[]): TouchpointDto[] {
    const r = validateTouchpoints(items, this.clock.now().getTime());
    if (!r.ok) throw new MappingError(`invalid touchpoint: ${r.errors.slice(0, 10).map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    return r.value;
  }

  private context(source: SourceRow, dedupeKey: string, correlationId: string, route: IngestContext['route']): IngestContext {
    return {
      actorId: `source:${source.id}`,
      sourceId: source.id,
      correlationId,
      causationId: deterministicId('webhook-delivery', source.id, dedupeKey),
      route,
      // Touchpoints without their own id get one derived from the delivery: a redelivery writes nothing new.
      fallbackId: (i) => deterministicId('webhook', source.id, dedupeKey, String(i)),
    };
  }

  private async store(source: SourceRow, mapped: Mapped, touchpoints: TouchpointDto[], d: Delivery): Promise<DeliveryResult> {
    const ctx = this.context(source, mapped.dedupeKey, d.correlationId, 'webhook');
    const extra = mapped.ignored > 0 ? { ignored: mapped.ignored } : {};
    // The ingestor claims the delivery's dedupe key with its events (null: seen before, nothing written).
    const outcomes = await this.ingestor.deliver(touchpoints, ctx, mapped.dedupeKey);
    metrics.webhookDeliveries.inc({ format: source.format, outcome: outcomes ? 'accepted' : 'duplicate' });
    if (!outcomes) return this.storedDelivery(source.id, mapped.dedupeKey);
    return { status: 202, body: { eventIds: outcomes.map((o) => o.eventId), ...extra } };
  }

  private async storedDelivery(sourceId: string, dedupeKey: string, db: { query: DataSource['query'] } = this.ds): Promise<DeliveryResult> {
    const [row] = await db.query(`SELECT event_ids, dead_letter_id FROM webhook_deliveries WHERE source_id = $1 AND dedupe_key = $2`, [sourceId, dedupeKey]);
    return { status: 200, body: { eventIds: row?.event_ids ?? [], duplicate: true, ...(row?.dead_letter_id ? { deadLetterId: row.dead_letter_id } : {}) } };
  }

  /** Authentic but unmappable: kept whole (body, content type, safe headers) with the reason. */
  private async deadLetter(source: SourceRow, d: Delivery, dedupeKey: string, reason: string): Promise<DeliveryResult> {
    const id = this.ids.next();
    const headers = Object.fromEntries(Object.entries(d.headers).filter(([k]) => SAFE_HEADERS.test(k)));
    const result = await this.ds.transaction(async (tx) => {
      const claimed = await tx.query(
        `INSERT INTO webhook_deliveries (source_id, dedupe_key, outcome, dead_letter_id) VALUES ($1, $2, 'dead_letter', $3) ON CONFLICT DO NOTHING RETURNING source_id`,
        [source.id, dedupeKey, id],
      );
      if (claimed.length === 0) return this.storedDelivery(source.id, dedupeKey, tx);
      await tx.query(
        `INSERT INTO dead_letters (id, kind, source_id, format, dedupe_key, reason, content_type, headers, body, request_uri)
         VALUES ($1, 'webhook', $2, $3, $4, $5, $6, $7, $8, $9)`,
        [id, source.id, source.format, dedupeKey, reason.slice(0, 2000), d.headers['content-type'] ?? null, JSON.stringify(headers), d.raw, d.uris[0] ?? null],
      );
      return { status: 202, body: { eventIds: [], deadLetterId: id } } as DeliveryResult;
    });
    metrics.webhookDeliveries.inc({ format: source.format, outcome: result.status === 200 ? 'duplicate' : 'dead_letter' });
    if (result.status === 202) this.logger.warn({ sourceId: source.id, deadLetterId: id, reason }, 'webhook kept as a dead letter');
    return result;
  }

  /** Before mapping got far enough to know the vendor's id: the signed id, else the body hash. */
  private fallbackDedupeKey(source: SourceRow, d: Delivery): string {
    if ((source.format === 'touchpoint' || source.format === 'cloudevents') && d.headers['webhook-id']) return `wh:${d.headers['webhook-id']}`;
    return `raw:${deterministicId('raw', d.raw.toString('base64'))}`;
  }

  /**
   * Maps a stored dead letter again (after a fix, or once its customer exists). Success stores
   * the events and resolves it in one transaction; failure keeps it with the new reason.
   */
  async retryDeadLetter(id: string, correlationId: string): Promise<{ id: string; status: 'open' | 'resolved'; reason: string | null; eventIds: string[]; attempts: number }> {
    if (!UUID.test(id)) throw ProblemException.notFound('No dead letter with that id.');
    const [dl] = await this.ds.query(
      `SELECT d.id, d.source_id, d.status, d.headers, d.body, d.event_ids, d.attempts, d.dedupe_key, d.reason, s.format
       FROM dead_letters d JOIN sources s ON s.id = d.source_id WHERE d.id = $1`,
      [id],
    );
    if (!dl) throw ProblemException.notFound('No dead letter with that id.');
    if (dl.status === 'resolved') return { id, status: 'resolved', reason: null, eventIds: dl.event_ids ?? [], attempts: dl.attempts };
    const source: SourceRow = { id: dl.source_id, format: dl.format, secret: '', previous_secret: null, previous_until: 0 };
    const raw: Buffer = Buffer.isBuffer(dl.body) ? dl.body : Buffer.from(dl.body);
    try {
      const mapped = MAPPERS[source.format]({ sourceId: source.id, body: raw, headers: dl.headers ?? {} });
      const touchpoints = this.validate(mapped.touchpoints);
      // Same derived ids as a first-time delivery would have had: a retry never doubles events.
      const ctx = this.context(source, mapped.dedupeKey, correlationId, 'dead_letter');
      return await this.ingestor.transact(ctx, async (tx, write) => {
        const [locked] = await tx.query(`SELECT status, event_ids, attempts FROM dead_letters WHERE id = $1 FOR UPDATE`, [id]);
        if (locked.status === 'resolved') return { id, status: 'resolved' as const, reason: null, eventIds: locked.event_ids ?? [], attempts: locked.attempts };
        const outcomes = touchpoints.length > 0 ? await write(touchpoints) : [];
        const eventIds = outcomes.map((o) => o.eventId);
        const [row] = returned(
          await tx.query(
            `UPDATE dead_letters SET status = 'resolved', event_ids = $2, attempts = attempts + 1, resolved_at = now(), updated_at = now() WHERE id = $1 RETURNING attempts`,
            [id, eventIds],
          ),
        );
        await tx.query(`UPDATE webhook_deliveries SET outcome = 'accepted', event_ids = $3 WHERE source_id = $1 AND dedupe_key = $2`, [source.id, dl.dedupe_key, eventIds]);
        return { id, status: 'resolved' as const, reason: null, eventIds, attempts: row.attempts };
      });
    } catch (err) {
      const reason = deadLetterReason(err);
      if (reason === undefined) throw err;
      const [row] = returned(
        await this.ds.query(`UPDATE dead_letters SET reason = $2, attempts = attempts + 1, updated_at = now() WHERE id = $1 AND status = 'open' RETURNING attempts`, [
          id,
          reason.slice(0, 2000),
        ]),
      );
      return { id, status: 'open', reason, eventIds: [], attempts: row?.attempts ?? dl.attempts };
    }
  }

  private async loadSource(id: string, cached: boolean): Promise<SourceRow | undefined> {
    if (!UUID.test(id)) return undefined;
    const now = this.clock.now().getTime();
    const hit = this.sources.get(id);
    if (cached && hit && now - hit.at < SOURCE_CACHE_MS) return hit.row;
    const rows: any[] = await this.ds.query(`SELECT id, format, secret, previous_secret, previous_secret_expires_at FROM sources WHERE id = $1`, [id]);
    if (rows.length === 0) return undefined;
    const r = rows[0];
    const row: SourceRow = {
      id: r.id,
      format: r.format,
      secret: r.secret,
      previous_secret: r.previous_secret,
      previous_until: r.previous_secret_expires_at ? new Date(r.previous_secret_expires_at).getTime() : 0,
    };
    if (this.sources.size > 10_000) this.sources.clear();
    this.sources.set(id, { row, at: now });
    return row;
  }
}
