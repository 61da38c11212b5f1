import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CUSTOMER_ROLES, Clock, CurrentUser, ProblemException, Roles, ValidQuery, scopeCondition, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { decodeCursor, encodeCursor } from '../../customers/list-customers/cursor.js';
import { FollowUpListDto, LIST_DEFAULT_LIMIT, ListFollowUpsQuery, reasonItems, type FollowUpItemDto, type ListFollowUpsQueryDto } from '../follow-up.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

// The list's order: open, then snoozed, then closed; earliest due first; the id breaks ties.
const RANK = `CASE f.status WHEN 'open' THEN 0 WHEN 'snoozed' THEN 1 ELSE 2 END`;
const RANK_OF: Record<string, number> = { open: 0, snoozed: 1, done: 2, dismissed: 2 };
// The due time in the cursor is whole microseconds since the epoch, as text: exact (a JS Date
// keeps milliseconds only, and a rounded key would skip or repeat rows at a page boundary).
const DUE_MICROS = `(extract(epoch FROM f.due_at) * 1000000)::bigint::text`;
// Years 0000–9999 (what a stored due date can be): anything else is no cursor of ours, and
// Postgres would fail on it rather than answer 422.
const MIN_MICROS = -62_167_219_200_000_000n;
const MAX_MICROS = 253_402_300_800_000_000n;
const dueOk = (v: unknown): v is string => typeof v === 'string' && /^-?\d{1,18}$/.test(v) && BigInt(v) >= MIN_MICROS && BigInt(v) < MAX_MICROS;
const badCursor = () => ProblemException.validation([{ path: 'cursor', message: 'cursor is not a cursor this API returned' }]);

@ApiTags('follow-ups')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('follow-ups')
export class ListFollowUpsController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({
    summary: 'Follow-up tasks of the customers in your reach, keyset-paginated, with the total',
    description:
      'Account managers see their customers, team leads their team, admins all; every filter narrows that reach, never widens it (a filter naming something outside it answers an empty list). ' +
      'Ordered by status (open, snoozed, then closed), then due date, then id; follow `nextCursor` until it is null to read every match exactly once. ' +
      '`total` counts every match over all pages. Read model: a task raised or changed a moment ago may take a few hundred milliseconds to appear.',
  })
  @ApiOkResponse({ type: FollowUpListDto })
  @ApiUnprocessableEntityResponse({ description: 'Bad status, customerId, assigneeId, limit or cursor.' })
  async list(@ValidQuery(ListFollowUpsQuery) q: ListFollowUpsQueryDto, @CurrentUser() user: AuthUser): Promise<FollowUpListDto> {
    const limit = q.limit ?? LIST_DEFAULT_LIMIT;
    // One status (the usual case: the open list) has one rank: the order is (due_at, id), which
    // the (status, due_at) index serves without sorting every match.
    const statusRank = q.status ? RANK_OF[q.status] : undefined;
    const params: unknown[] = [];
    const where = [scopeCondition(user, params, 'c')];
    if (q.status) {
      params.push(q.status);
      where.push(`f.status = $${params.length}`);
    }
    if (q.customerId) {
      params.push(q.customerId);
      where.push(`f.customer_id = $${params.length}::uuid`);
    }
    if (q.assigneeId) {
      params.push(q.assigneeId);
      // Whose task it is, as the team report counts it: its assignee, else its customer's account manager.
      where.push(`coalesce(f.assignee_id, c.account_manager_id) = $${params.length}::uuid`);
    }
    // The count and the page share the filters; only the page starts after the cursor.
    const filterParams = [...params];
    const filters = where.join(' AND ');
    if (q.cursor) {
      const [rank, dueMicros, id] = decodeCursor(q.cursor);
      // A cursor is client input like any other: each part must be a value its column can hold.
      if (![0, 1, 2].includes(rank as number) || !dueOk(dueMicros) || typeof id !== 'string' || !UUID.test(id)) throw badCursor();
      // Every parameter pushed is used: Postgres refuses a statement with one it cannot type.
      const after = () => {
        params.push(dueMicros, id);
        return `(f.due_at, f.id) > (timestamptz 'epoch' + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::uuid)`;
      };
      if (statusRank === undefined) {
        const later = after();
        params.push(rank);
        where.push(`(${RANK} > $${params.length}::int OR (${RANK} = $${params.length}::int AND ${later}))`);
      } else if (rank === statusRank) where.push(after());
      // A cursor from another part of the order: this status comes wholly after it, or wholly before.
      else if ((rank as number) > statusRank) where.push('FALSE');
    }
    params.push(limit + 1);
    filterParams.push(this.clock.now().toISOString());
    const [rows, [counts]] = await Promise.all([
      this.db.query(
        `SELECT f.*, ${RANK} AS sort_rank, ${DUE_MICROS} AS sort_due FROM follow_ups f JOIN customers c ON c.id = f.customer_id
         WHERE ${where.join(' AND ')}
         ORDER BY ${statusRank === undefined ? `${RANK}, ` : ''}f.due_at, f.id
         LIMIT $${params.length}`,
        params,
      ),
      this.db.query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE f.status = 'open' AND f.due_at < $${filterParams.length}::timestamptz)::int AS overdue
         FROM follow_ups f JOIN customers c ON c.id = f.customer_id
         WHERE ${filters}`,
        filterParams,
      ),
    ]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(rowToItem),
      nextCursor: rows.length > limit ? encodeCursor([Number(last.sort_rank), last.sort_due, last.id]) : null,
      total: counts?.total ?? 0,
      overdue: counts?.overdue ?? 0,
    };
  }
}

export function rowToItem(r: any): FollowUpItemDto {
  const createdAt = iso(r.created_at)!;
  return {
    id: r.id, customerId: r.customer_id, rule: r.rule, reason: r.reason, suggestedAction: r.suggested_action, priority: r.priority,
    dueAt: iso(r.due_at)!, status: r.status, triggeredBy: r.triggered_by ?? [], createdAt, assigneeId: r.assignee_id,
    closedAt: iso(r.closed_at), note: r.note, snoozedUntil: iso(r.snoozed_until), escalatedAt: iso(r.escalated_at),
    reasons: reasonItems(r.reasons, { rule: r.rule, reason: r.reason, triggeredBy: r.triggered_by ?? [], at: createdAt }),
  };
}
