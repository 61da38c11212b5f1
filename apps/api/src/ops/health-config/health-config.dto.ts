import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { CHURN_FEATURE_NAMES, churnSign } from '../../../../../libs/relationship/src/index.js';
import { apiSchema } from '../../../../../libs/shared/src/index.js';

const overrides = z
  .record(z.string().max(64), z.unknown())
  .describe('Health weights and band thresholds over the defaults, as a partial HealthConfig (e.g. {"bands": {"green": 75}, "pulse": {"weight": 12}}); the whole set, replacing the previous one. Unknown keys and bad values are 422. The churn coefficients are set through /ops/churn-model.');

export const HealthConfigBody = apiSchema('HealthConfigInput', z.strictObject({ overrides }));
export type HealthConfigInput = z.output<typeof HealthConfigBody>;

export const HealthConfigPreviewBody = apiSchema('HealthConfigPreviewInput', z.strictObject({ overrides }));

const coefficient = z.number().min(-50).max(50);

/** The file `npm run backtest -- --fit` writes (or any coefficients an admin chooses). */
export const ChurnModelBody = apiSchema(
  'ChurnModelInput',
  z
    .strictObject({
      intercept: coefficient,
      coefficients: z.strictObject(Object.fromEntries(CHURN_FEATURE_NAMES.map((f) => [f, coefficient.optional()])) as Record<(typeof CHURN_FEATURE_NAMES)[number], z.ZodOptional<typeof coefficient>>),
      backtest: z.record(z.string().max(64), z.unknown()).optional().describe('The figures of the backtest the coefficients came from (as the backtest wrote them).'),
    })
    .superRefine((v, ctx) => {
      for (const f of CHURN_FEATURE_NAMES) {
        const c = v.coefficients[f];
        if (c === undefined) continue;
        // More transactional contact never lowers the risk; a renewal never raises it.
        if (churnSign(f) > 0 ? c < 0 : c > 0) ctx.addIssue({ code: 'custom', path: ['coefficients', f], message: churnSign(f) > 0 ? 'must be ≥ 0 (a warning sign may not lower the risk)' : 'must be ≤ 0' });
      }
    }),
);
export type ChurnModelInput = z.output<typeof ChurnModelBody>;

export class HealthConfigDto {
  @ApiProperty({ description: '0 while the defaults are in force; +1 per change (health or churn).' }) version: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The weights and bands set over the defaults.' }) overrides: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The whole configuration in force (defaults, overrides and the churn model).' }) config: Record<string, unknown>;
  @ApiProperty({ format: 'uuid', nullable: true }) updatedBy: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) updatedAt: string | null;
}

export class ChurnModelDto {
  @ApiProperty({ example: -3 }) intercept: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Per feature (docs/health-and-churn.md, "Churn risk").' }) coefficients: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { medium: 0.25, high: 0.5 } }) levels: Record<string, number>;
  @ApiProperty({ enum: ['default', 'applied'], description: '`default`: the reasoned defaults; `applied`: set by an admin.' }) source: 'default' | 'applied';
  @ApiProperty({ format: 'uuid', nullable: true }) appliedBy: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) appliedAt: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: "The backtest the coefficients in force came from: its figures (ROC-AUC, PR-AUC, Brier, calibration gap, lift) with the fitted and the default coefficients on held-out customers." })
  backtest: unknown;
  @ApiProperty({ description: 'The health configuration version this is part of.' }) version: number;
}

export class PreviewCustomerDto {
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty() name: string;
  @ApiProperty() scoreBefore: number;
  @ApiProperty({ enum: ['green', 'yellow', 'red'] }) bandBefore: string;
  @ApiProperty() scoreAfter: number;
  @ApiProperty({ enum: ['green', 'yellow', 'red'] }) bandAfter: string;
  @ApiProperty({ description: 'Days of the window on which the band differs.' }) daysChanged: number;
}

export class PreviewExampleDto extends PreviewCustomerDto {
  @ApiProperty({ type: 'array', items: { type: 'object' } }) driversBefore: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) driversAfter: unknown[];
}

export class HealthConfigPreviewDto {
  @ApiProperty({ example: 90 }) windowDays: number;
  @ApiProperty({ format: 'date-time', nullable: true }) from: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) to: string | null;
  @ApiProperty() customers: number;
  @ApiProperty({ description: 'Customers whose band now would change.' }) changedNow: number;
  @ApiProperty({ description: 'Customers whose band would differ on at least one day of the window.' }) changedOnSomeDay: number;
  @ApiProperty({ description: 'Customer-days on which the band would differ.' }) changedDays: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) bandsBefore: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) bandsAfter: Record<string, number>;
  @ApiProperty({ type: [PreviewCustomerDto] }) changes: PreviewCustomerDto[];
  @ApiProperty({ type: [PreviewExampleDto] }) examples: PreviewExampleDto[];
}
