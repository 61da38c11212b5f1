import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../../libs/event-store/src/index.js';
import { Clock, CurrentUser, ProblemException, Roles, ValidQuery, type AuthUser } from '../../../../libs/shared/src/index.js';
import { TeamReportDto, TeamReportQuery, type TeamReportQueryDto } from './team-report.dto.js';

const DAY_MS = 86_400_000;

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

@ApiTags('reports')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('reports')
export class TeamReportController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get('team')
  @Roles('admin', 'team_lead')
  @ApiOperation({
    summary: 'Team view for coaching: per account manager the relational/transactional share of contacts, open and overdue follow-ups and median time to complete; per channel and topic the average relational score. Team lead: their team; admin: everyone',
  })
  @ApiOkResponse({ type: TeamReportDto })
  @ApiUnprocessableEntityResponse({ description: 'Bad from/to, or from after to.' })
  async team(@ValidQuery(TeamReportQuery) q: TeamReportQueryDto, @CurrentUser() user: AuthUser): Promise<TeamReportDto> {
    const now = this.clock.now();
    const to = q.to ?? now;
    const from = q.from ?? new Date(to.getTime() - 90 * DAY_MS);
    if (from > to) throw ProblemException.validation([{ path: 'from', message: 'from must not be after to' }]);

    // Account managers, and team leads who hold customers or follow-ups themselves: a lead who
    // only leads is not a row of zeros among the people they lead.
    const managers: { id: string; name: string }[] = await this.db.query(
      `SELECT u.id, u.name FROM users u
       WHERE ${user.role === 'admin' ? `u.role IN ('account_manager', 'team_lead')` : `(u.team_lead_id = $1 OR u.id = $1)`} AND u.disabled_at IS NULL
         AND (u.role <> 'team_lead'
              OR EXISTS (SELECT 1 FROM customers c WHERE c.account_manager_id = u.id)
              OR EXISTS (SELECT 1 FROM customer_follow_up_summary f WHERE f.assignee_id = u.id))
       ORDER BY u.name, u.id`,
      user.role === 'admin' ? [] : [user.id],
    );
    const ids = managers.map((m) => m.id);
    const params = [ids, from.toISOString(), to.toISOString()];
    const [contacts, followUps, scored] = await Promise.all([
      this.db.query(
        `SELECT c.account_manager_id AS id, count(*)::int AS n,
                count(*) FILTER (WHERE r.score->>'class' = 'relational')::int AS relational,
                count(*) FILTER (WHERE r.score->>'class' = 'transactional')::int AS transactional
         FROM customer_timeline t JOIN customers c ON c.id = t.customer_id LEFT JOIN relational_scores r ON r.id = t.relational_id
         WHERE t.type = 'TouchpointRecorded' AND c.account_manager_id = ANY($1::uuid[]) AND t.occurred_at BETWEEN $2 AND $3
         GROUP BY c.account_manager_id`,
        params,
      ),
      this.db.query(
        `SELECT coalesce(f.assignee_id, c.account_manager_id) AS id,
                count(*) FILTER (WHERE f.status = 'open')::int AS open,
                count(*) FILTER (WHERE f.status = 'open' AND f.due_at < $4)::int AS overdue,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.closed_at - f.raised_at) / 3600)
                  FILTER (WHERE f.status = 'done' AND coalesce(f.completed_by_person, true) AND f.closed_at BETWEEN $2 AND $3) AS median_hours
         FROM customer_follow_up_summary f JOIN customers c ON c.id = f.customer_id
         WHERE coalesce(f.assignee_id, c.account_manager_id) = ANY($1::uuid[])
         GROUP BY 1`,
        [...params, now.toISOString()],
      ),
      this.scoredTouchpoints(params),
    ]);
    const channels = groupScores(scored, (d) => (typeof d.channel === 'string' ? d.channel : null));
    const topics = groupScores(scored, (d) => (typeof d.topic === 'string' ? d.topic.toLowerCase() : null), 20);
    const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
    const c = byId<any>(contacts);
    const f = byId<any>(followUps);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      accountManagers: managers.map((m) => {
        const s = c.get(m.id);
        const fu = f.get(m.id);
        return {
          id: m.id,
          name: m.name,
          contacts: s?.n ?? 0,
          relationalShare: s?.n ? round(s.relational / s.n) : 0,
          transactionalShare: s?.n ? round(s.transactional / s.n) : 0,
          openFollowUps: fu?.open ?? 0,
          overdueFollowUps: fu?.overdue ?? 0,
          medianHoursToComplete: fu?.median_hours == null ? null : round(Number(fu.median_hours), 1),
        };
      }),
      channels,
      topics,
    };
  }

  /** The team's scored touchpoints in the period: each event's payload (from the log) with its relational score. */
  private async scoredTouchpoints(params: unknown[]): Promise<{ data: Record<string, unknown>; score: number | null }[]> {
    const rows: { event_id: string; score: string }[] = await this.db.query(
      `SELECT t.event_id, r.score->>'score' AS score
       FROM customer_timeline t JOIN customers c ON c.id = t.customer_id JOIN relational_scores r ON r.id = t.relational_id
       WHERE t.type = 'TouchpointRecorded' AND c.account_manager_id = ANY($1::uuid[]) AND t.occurred_at BETWEEN $2 AND $3`,
      params,
    );
    const events = new Map((await this.store.readEvents(rows.map((r) => r.event_id))).map((e) => [e.id, e]));
    return rows.flatMap((r) => {
      const e = events.get(r.event_id);
      return e ? [{ data: (e.data ?? {}) as Record<string, unknown>, score: r.score === null ? null : Number(r.score) }] : [];
    });
  }
}

/** Per key (most contacts first, then by key), the number of contacts and their average score. */
function groupScores(scored: { data: Record<string, unknown>; score: number | null }[], keyOf: (data: Record<string, unknown>) => string | null, limit = 100): { key: string; contacts: number; averageScore: number }[] {
  const groups = new Map<string, { n: number; scored: number; sum: number }>();
  for (const s of scored) {
    const key = keyOf(s.data);
    if (key === null) continue;
    const g = groups.get(key) ?? { n: 0, scored: 0, sum: 0 };
    g.n++;
    if (s.score !== null) {
      g.scored++;
      g.sum += s.score;
    }
    groups.set(key, g);
  }
  return [...groups]
    .sort(([a, x], [b, y]) => y.n - x.n || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([key, g]) => ({ key, contacts: g.n, averageScore: round(g.scored ? g.sum / g.scored : Number.NaN, 1) }));
}
