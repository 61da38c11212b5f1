import { ApiProperty } from '@nestjs/swagger';
import { followUpRulesSchema, RULE_IDS } from '../../../../libs/relationship/src/index.js';
import { apiSchema } from '../../../../libs/shared/src/index.js';

/** PUT /rules: the domain's schema of a rule set (rule-specific params), as the request body. */
export const RulesBody = apiSchema('FollowUpRulesInput', followUpRulesSchema);

export class RuleDto {
  @ApiProperty({ enum: RULE_IDS }) id: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'Hours the assignee has to act; the task is due this long after it is raised.', example: 48 }) slaHours: number;
  @ApiProperty({ enum: ['low', 'normal', 'high', 'urgent'], description: 'Before customer value and churn risk raise it.' }) priorityBase: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Thresholds of this rule, e.g. {"count": 3} for transactional_streak. Missing ones take their default.' })
  params: Record<string, number>;
}

export class PriorityPolicyDto {
  @ApiProperty({ description: 'Customers at or above this annual value get one priority step up.', example: 100000 }) highValueAnnualValue: number;
  @ApiProperty({ description: 'A churn probability at or above this gets one step up.', example: 0.5 }) highChurnProbability: number;
  @ApiProperty({ description: 'A renewal date within this many days gets one step up, and the task names the date (0: never).', example: 30 }) renewalWithinDays: number;
}

export class RulesInputDto {
  @ApiProperty({ type: [RuleDto], description: 'The whole rule set; each rule id at most once. A rule left out is not evaluated.' }) rules: RuleDto[];
  @ApiProperty({ type: PriorityPolicyDto, required: false }) priority?: PriorityPolicyDto;
}

export class RulesDto extends RulesInputDto {
  @ApiProperty({ description: '0 while the defaults are in force; +1 per change.' }) version: number;
  @ApiProperty({ format: 'date-time', nullable: true }) updatedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) updatedBy: string | null;
}
