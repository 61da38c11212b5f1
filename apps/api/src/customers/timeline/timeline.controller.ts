import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../../../libs/event-store/src/index.js';
import {
  CUSTOMER_ROLES,
  CurrentUser,
  ProblemException,
  Roles,
  ValidQuery,
  assertCustomerInScope,
  customerNotFound,
  parseMoment,
  queryMomentProblem,
  scopeCondition,
  type AuthUser,
} from '../../../../../libs/shared/src/index.js';
import { decodeCursor, encodeCursor } from '../list-customers/cursor.js';
import { TimelineDto, TimelineQuery, type TimelineQueryDto } from './timeline.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const LOOKS_LIKE_A_DATE = /^\d{4}-\d{2}-\d{2}/;

@ApiTags('customers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('customers')
export class TimelineController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  @Get(':id/timeline')
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({ summary: "A customer's events, newest first by business time; touchpoints carry their relational score and signals" })
  @ApiOkResponse({ type: TimelineDto })
  @ApiNotFoundResponse({ description: 'No such customer, or outside your reach.' })
  @ApiUnprocessableEntityResponse({ description: 'Bad limit or before.' })
  async timeline(@Param('id') id: string, @ValidQuery(TimelineQuery) q: TimelineQueryDto, @CurrentUser() user: AuthUser): Promise<TimelineDto> {
    if (!UUID.test(id)) throw customerNotFound();
    const limit = q.limit ?? 50;
    const params: unknown[] = [id];
    // The scope check rides in the same query (one round trip); an empty page checks it apart.
    let where = `t.customer_id = $1 AND EXISTS (SELECT 1 FROM customers c WHERE c.id = $1 AND ${scopeCondition(user, params, 'c')})`;
    if (q.before) {
      if (LOOKS_LIKE_A_DATE.test(q.before)) {
        const t = parseMoment(q.before);
        const why = queryMomentProblem(t);
        if (why) throw ProblemException.validation([{ path: 'before', message: why }]);
        params.push(new Date(t).toISOString());
        where += ` AND t.occurred_at < $${params.length}`;
      } else {
        const [at, position] = decodeCursor(q.before, 'before');
        // A cursor is client input too: a time and a position their columns can hold.
        if (typeof at !== 'string' || queryMomentProblem(parseMoment(at)) !== undefined || !Number.isSafeInteger(position) || (position as number) < 0) {
          throw ProblemException.validation([{ path: 'before', message: 'before must be a datetime or a cursor this API returned' }]);
        }
        params.push(at, position);
        where += ` AND (t.occurred_at, t.position) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`;
      }
    }
    params.push(limit + 1);
    const rows = await this.db.query(
      // Times as the ISO strings the response carries (millisecond precision, like toISOString): no Date round trip per row.
      `SELECT t.event_id, t.position, t.type, ${iso('t.occurred_at')} AS occurred_at, ${iso('t.recorded_at')} AS recorded_at, r.score AS relational
       FROM customer_timeline t LEFT JOIN relational_scores r ON r.id = t.relational_id WHERE ${where}
       ORDER BY t.occurred_at DESC, t.position DESC LIMIT $${params.length}`,
      params,
    );
    if (rows.length === 0) await assertCustomerInScope(this.db, user, id);
    const page = rows.slice(0, limit);
    // The payloads, in their newest shape, from the log (the timeline row points at its event).
    const events = new Map((await this.store.readEvents(page.map((r: any) => r.event_id))).map((e) => [e.id, e]));
    const items = page.map((r: any) => ({
      eventId: r.event_id,
      position: Number(r.position),
      type: r.type,
      occurredAt: r.occurred_at,
      recordedAt: r.recorded_at,
      data: events.get(r.event_id)?.data,
      ...(r.relational ? { relational: r.relational } : {}),
    }));
    const last = items[items.length - 1];
    // The cursor keeps microseconds out: occurred_at comes from ISO strings with millisecond precision.
    return { items, nextCursor: rows.length > limit ? encodeCursor([last.occurredAt, last.position]) : null };
  }
}
