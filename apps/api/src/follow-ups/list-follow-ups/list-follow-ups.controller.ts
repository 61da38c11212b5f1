import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CUSTOMER_ROLES, CurrentUser, Roles, ValidQuery, scopeCondition, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { FollowUpListDto, ListFollowUpsQuery, type FollowUpItemDto, type ListFollowUpsQueryDto } from '../follow-up.dto.js';

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

@ApiTags('follow-ups')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('follow-ups')
export class ListFollowUpsController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get()
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({
    summary: 'Follow-up tasks of the customers in your reach',
    description: 'Account managers see their customers, team leads their team, admins all. Ordered by status (open first), then due date. Read model: a task raised or changed a moment ago may take a few hundred milliseconds to appear.',
  })
  @ApiResponse({ status: 200, type: FollowUpListDto })
  async list(@ValidQuery(ListFollowUpsQuery) q: ListFollowUpsQueryDto, @CurrentUser() user: AuthUser): Promise<FollowUpListDto> {
    const params: unknown[] = [];
    const where = [scopeCondition(user, params, 'c')];
    if (q.status) {
      params.push(q.status);
      where.push(`f.status = $${params.length}`);
    }
    if (q.customerId) {
      params.push(q.customerId);
      where.push(`f.customer_id = $${params.length}`);
    }
    params.push(q.limit ?? 200);
    const rows = await this.db.query(
      `SELECT f.* FROM follow_ups f JOIN customers c ON c.id = f.customer_id
       WHERE ${where.join(' AND ')}
       ORDER BY CASE f.status WHEN 'open' THEN 0 WHEN 'snoozed' THEN 1 ELSE 2 END, f.due_at, f.id
       LIMIT $${params.length}`,
      params,
    );
    return { items: rows.map(rowToItem) };
  }
}

export function rowToItem(r: any): FollowUpItemDto {
  return {
    id: r.id, customerId: r.customer_id, rule: r.rule, reason: r.reason, suggestedAction: r.suggested_action, priority: r.priority,
    dueAt: iso(r.due_at)!, status: r.status, triggeredBy: r.triggered_by ?? [], createdAt: iso(r.created_at)!, assigneeId: r.assignee_id,
    closedAt: iso(r.closed_at), note: r.note, snoozedUntil: iso(r.snoozed_until), escalatedAt: iso(r.escalated_at),
  };
}
