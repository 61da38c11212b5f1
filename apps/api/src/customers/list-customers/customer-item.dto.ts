import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class HealthSummaryDto {
  @ApiProperty({ minimum: 0, maximum: 100 }) score: number;
  @ApiProperty({ enum: ['green', 'yellow', 'red'] }) band: string;
  @ApiProperty({ description: 'Score now minus score 30 days earlier, in points.' }) trend30d: number;
}

export class ChurnSummaryDto {
  @ApiProperty({ minimum: 0, maximum: 1 }) probability: number;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) level: string;
}

export class DriverDto {
  @ApiProperty({ example: 'no relational contact for 41 days (since 12 Oct 2026)' }) factor: string;
  @ApiProperty({ description: 'Effect in points (health) or log-odds contribution (churn).' }) effect: number;
  @ApiProperty({ type: [String], description: 'The events behind this driver.' }) eventIds: string[];
}

export class CustomerItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() externalId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) segment: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) accountManagerId: string | null;
  @ApiProperty({ nullable: true, type: Number, minimum: 0, example: 1250000, description: 'Yearly contract value, as set by POST/PATCH /customers (no currency conversion).' }) annualValue: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'date', example: '2027-03-31', description: 'The next renewal date (a calendar day).' }) renewalDate: string | null;
  @ApiProperty({ type: HealthSummaryDto }) health: HealthSummaryDto;
  @ApiProperty({ type: ChurnSummaryDto }) churnRisk: ChurnSummaryDto;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastRelationalContactAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the customer left: their latest outcome is `churned` (null: a customer now). Such customers come last in the risk order, after every live customer.' }) churnedAt: string | null;
  @ApiProperty({ description: 'Open follow-up tasks: not completed, dismissed or snoozed (a snoozed task counts again once its time comes and the sweep opens it).' }) openFollowUps: number;
}

export class CustomerListDto {
  @ApiProperty({ type: [CustomerItemDto] }) items: CustomerItemDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page.' }) nextCursor: string | null;
}

export class HealthNoteDto {
  @ApiProperty({
    enum: ['scale_limit', 'minor_factors', 'health_vs_churn', 'nothing_recorded_yet'],
    description: 'nothing_recorded_yet (health?asOf= only): asOf lies before the first record of the customer, so nothing is considered; the text names the first record and points to the curve.',
  })
  kind: string;
  @ApiProperty({ example: 'The factors add up to −72.4 points from the neutral 50; the score stops at 0.' }) text: string;
  @ApiProperty({ description: 'Points the note accounts for (the clamp, the smaller factors together; 0 for health_vs_churn): with the drivers they add up to score − 50.' }) effect: number;
  @ApiPropertyOptional({ type: [DriverDto], description: 'minor_factors: the factors too small to list.' }) drivers?: DriverDto[];
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time', description: 'nothing_recorded_yet: when the first event of the customer was recorded (null: nothing is yet).' }) firstRecordedAt?: string | null;
  @ApiPropertyOptional({ example: '/api/v1/customers/0b9f…/health/history?to=2026-05-16T23%3A59%3A59.999Z', description: 'nothing_recorded_yet: the health curve up to asOf (business time: from when things happened, including what was recorded later).' }) curve?: string;
}

export class ChurnRiskDetailDto extends ChurnSummaryDto {
  @ApiProperty({ type: [DriverDto], description: 'What drives the churn risk: contributions in log-odds that move it by at least a percentage point, those raising it first (largest first), then those lowering it.' })
  drivers: DriverDto[];
}

export class CustomerDetailDto extends CustomerItemDto {
  @ApiProperty({ type: [DriverDto], description: 'Health drivers that move the score by at least a point, largest effect first.' }) drivers: DriverDto[];
  @ApiProperty({ type: ChurnRiskDetailDto }) declare churnRisk: ChurnRiskDetailDto;
  @ApiProperty({ type: [HealthNoteDto], description: 'What the drivers leave out (the 0–100 clamp, the smaller factors) and, when health and churn risk disagree, why.' }) notes: HealthNoteDto[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'The moment health was evaluated at: the latest recorded event of the customer.' }) healthEvaluatedAt: string | null;
}

/** SQL select list shared by the list and the detail query (customers c, customer_health h). */
export const ITEM_COLUMNS = `c.id, c.external_id, c.name, c.segment, c.account_manager_id, c.annual_value, c.renewal_date::text AS renewal_date, h.score, h.band, h.trend30d,
  h.churn_probability, h.churn_level, h.last_relational_contact_at, h.churned_at, h.drivers,
  (SELECT count(*)::int FROM customer_follow_up_summary f WHERE f.customer_id = c.id AND f.status = 'open') AS open_follow_ups`;

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

export function toItem(r: any): CustomerItemDto {
  return {
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    segment: r.segment ?? null,
    accountManagerId: r.account_manager_id ?? null,
    annualValue: r.annual_value == null ? null : Number(r.annual_value),
    renewalDate: r.renewal_date ?? null,
    health: { score: Number(r.score), band: r.band, trend30d: Number(r.trend30d) },
    churnRisk: { probability: Number(r.churn_probability), level: r.churn_level },
    lastRelationalContactAt: iso(r.last_relational_contact_at),
    churnedAt: iso(r.churned_at),
    openFollowUps: Number(r.open_follow_ups ?? 0),
  };
}
