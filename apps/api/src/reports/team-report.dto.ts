import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { queryMoment } from '../../../../libs/shared/src/index.js';

export const TeamReportQuery = z.strictObject({
  from: queryMoment('Start of the period (business time). Default: `to` minus 90 days.').optional(),
  to: queryMoment('End of the period. Default: now.').optional(),
});
export type TeamReportQueryDto = z.output<typeof TeamReportQuery>;

export class AccountManagerStatsDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Touchpoints with their customers in the period.' }) contacts: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of those classed relational.' }) relationalShare: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Share of those classed transactional.' }) transactionalShare: number;
  @ApiProperty({ description: 'Open follow-ups now: not completed, dismissed or snoozed.' }) openFollowUps: number;
  @ApiProperty({ description: 'Open follow-ups past their due time now (snoozed ones are not open).' }) overdueFollowUps: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Median hours from raised to completed, for tasks completed in the period by a person or closed by a person\'s relational contact (not those the system closed: merged, the customer left, a silence that turned out shorter).' }) medianHoursToComplete: number | null;
}

export class GroupScoreDto {
  @ApiProperty({ description: 'Channel or topic.' }) key: string;
  @ApiProperty() contacts: number;
  @ApiProperty({ description: 'Average relational score (0–100).' }) averageScore: number;
}

export class TeamReportDto {
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ type: [AccountManagerStatsDto], description: 'The account managers in reach, and team leads who hold customers or follow-ups themselves (a lead who only leads has no row).' }) accountManagers: AccountManagerStatsDto[];
  @ApiProperty({ type: [GroupScoreDto], description: 'Which channels create closeness or distance.' }) channels: GroupScoreDto[];
  @ApiProperty({ type: [GroupScoreDto], description: 'The 20 most frequent topics.' }) topics: GroupScoreDto[];
}
