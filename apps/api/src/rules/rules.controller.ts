import { Controller, Get, HttpCode, Inject, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { alreadyDecided, EventStore } from '../../../../libs/event-store/src/index.js';
import { DEFAULT_RULES, validateRules, type FollowUpRules } from '../../../../libs/relationship/src/index.js';
import { Clock, CorrelationId, CurrentUser, IdGenerator, Roles, ValidBody, type AuthUser } from '../../../../libs/shared/src/index.js';
import { RulesBody, RulesDto } from './rules.dto.js';

export const RULES_STREAM = 'rules';

@ApiTags('follow-ups')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('rules')
export class RulesController {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(IdGenerator) private readonly ids: IdGenerator,
  ) {}

  @Get()
  @Roles('admin', 'team_lead', 'ops')
  @ApiOperation({ summary: 'The follow-up rules and thresholds in force' })
  @ApiResponse({ status: 200, type: RulesDto })
  async get(): Promise<RulesDto> {
    const rows = await this.ds.query(`SELECT rules, version, updated_by, updated_at FROM follow_up_rules WHERE id = 1`);
    if (rows.length === 0) return { ...DEFAULT_RULES, version: 0, updatedAt: null, updatedBy: null };
    const parsed = validateRules(rows[0].rules);
    const rules: FollowUpRules = parsed.ok ? parsed.value : DEFAULT_RULES;
    return { ...rules, version: rows[0].version, updatedAt: new Date(rows[0].updated_at).toISOString(), updatedBy: rows[0].updated_by };
  }

  @Put()
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Replace the follow-up rules',
    description: 'Validated as a whole (422 names each bad field, e.g. `rules[1].params.count`). Stored as a FollowUpRulesChanged event on stream `rules` (the audit trail) and as the current rules, in one transaction. The worker uses them for the next job.',
  })
  @ApiResponse({ status: 200, type: RulesDto })
  @ApiResponse({ status: 422, description: 'Invalid rules.' })
  async put(@ValidBody(RulesBody) rules: FollowUpRules, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<RulesDto> {
    const now = this.clock.now();
    return this.store.transaction(async (tx) => {
      const rows = await tx.query(`SELECT version FROM follow_up_rules WHERE id = 1 FOR UPDATE`);
      const version = (rows[0]?.version ?? 0) + 1;
      // Expected version "any": the row lock above already serialises writers.
      await this.store.handle(
        RULES_STREAM,
        alreadyDecided,
        [{ id: this.ids.next(), type: 'FollowUpRulesChanged', data: { rules, version, changedBy: user.id, changedAt: now.toISOString() } }],
        { correlationId, actorId: user.id, tx },
      );
      await tx.query(
        `INSERT INTO follow_up_rules (id, rules, version, updated_by, updated_at) VALUES (1, $1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET rules = EXCLUDED.rules, version = EXCLUDED.version, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
        [JSON.stringify(rules), version, user.id, now],
      );
      return { ...rules, version, updatedAt: now.toISOString(), updatedBy: user.id };
    });
  }
}
