import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
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

    const managers: { id: string; name: string }[] = await this.db.query(
      user.role === 'admin'
        ? `SELECT id, name FROM users WHERE role IN ('account_manager', 'team_lead') AND disabled_at IS NULL ORDER BY name, id`
        : `SELECT id, name FROM users WHERE (team_lead_id = $1 OR id = $1) AND disabled_at IS NULL ORDER BY name, id`,
      user.role === 'admin' ? [] : [user.id],
    );
    const ids = managers.map((m) => m.id);
    const params = [ids, from.toISOString(), to.toISOString()];
    const [contacts, followUps, channels, topics] = await Promise.all([
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
                count(*) FILTER (WHERE f.closed_at IS NULL)::int AS open,
                count(*) FILTER (WHERE f.closed_at IS NULL AND f.due_at < $4)::int AS overdue,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.closed_at - f.raised_at) / 3600)
                  FILTER (WHERE f.status = 'done' AND f.closed_at BETWEEN $2 AND $3) AS median_hours
         FROM customer_follow_up_summary f JOIN customers c ON c.id = f.customer_id
         WHERE coalesce(f.assignee_id, c.account_manager_id) = ANY($1::uuid[])
         GROUP BY 1`,
        [...params, now.toISOString()],
      ),
      this.groupScores(`e.data->>'channel'`, params),
      this.groupScores(`lower(e.data->>'topic')`, params, 20),
    ]);
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

  private async groupScores(keyExpr: string, params: unknown[], limit = 100): Promise<{ key: string; contacts: number; averageScore: number }[]> {
    const rows = await this.db.query(
      `SELECT ${keyExpr} AS key, count(*)::int AS n, avg((r.score->>'score')::numeric) AS avg
       FROM customer_timeline t JOIN customers c ON c.id = t.customer_id JOIN events e ON e.event_id = t.event_id
         JOIN relational_scores r ON r.id = t.relational_id
       WHERE t.type = 'TouchpointRecorded' AND c.account_manager_id = ANY($1::uuid[]) AND t.occurred_at BETWEEN $2 AND $3
         AND ${keyExpr} IS NOT NULL
       GROUP BY 1 ORDER BY n DESC, key LIMIT ${limit}`,
      params,
    );
    return rows.map((r: any) => ({ key: r.key, contacts: r.n, averageScore: round(Number(r.avg), 1) }));
  }
}
