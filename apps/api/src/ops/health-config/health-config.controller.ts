import { Controller, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../../../libs/event-store/src/index.js';
import { applyHealthConfig, assertNoChurnModel, effectiveHealthConfig, loadHealthConfig, type HealthConfigInForce } from '../../../../../libs/read-models/src/index.js';
import { DEFAULT_HEALTH_CONFIG, type ChurnFeature } from '../../../../../libs/relationship/src/index.js';
import { Clock, CorrelationId, CurrentUser, IdGenerator, Roles, ValidBody, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { HealthReadService } from '../../customers/health/health-read.service.js';
import {
  ChurnModelBody,
  ChurnModelDto,
  HealthConfigBody,
  HealthConfigDto,
  HealthConfigPreviewBody,
  HealthConfigPreviewDto,
  type ChurnModelInput,
  type HealthConfigInput,
} from './health-config.dto.js';

const healthDto = (c: HealthConfigInForce): HealthConfigDto => ({
  version: c.version,
  overrides: c.overrides,
  config: c.config as unknown as Record<string, unknown>,
  updatedBy: c.updatedBy,
  updatedAt: c.updatedAt,
});

const churnDto = (c: HealthConfigInForce): ChurnModelDto => ({
  intercept: c.config.churn.intercept,
  coefficients: c.config.churn.coefficients,
  levels: c.config.churn.levels,
  source: c.churn ? 'applied' : 'default',
  appliedBy: c.churnAppliedBy,
  appliedAt: c.churnAppliedAt,
  backtest: c.churnBacktest,
  version: c.version,
});

/**
 * The health configuration and the churn model as data an admin changes, audited as
 * HealthConfigChanged events on stream `health-config` (like the follow-up rules); each change
 * asks for a rebuild of the customer read models (docs/backtest.md).
 */
@ApiTags('ops')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('ops')
export class HealthConfigController {
  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(IdGenerator) private readonly ids: IdGenerator,
    @Inject(HealthReadService) private readonly reads: HealthReadService,
  ) {}

  @Get('health-config')
  @Roles('admin', 'team_lead', 'ops')
  @ApiOperation({ summary: 'The health configuration in force: the overrides over the defaults and the whole result' })
  @ApiResponse({ status: 200, type: HealthConfigDto })
  async get(): Promise<HealthConfigDto> {
    return healthDto(await loadHealthConfig(this.ds));
  }

  @Put('health-config')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Apply health weights and band thresholds',
    description: 'Validated whole (422 names the bad key). Recorded as a HealthConfigChanged event on stream `health-config` and as the configuration in force, in one transaction that also asks for a rebuild of the customer read models: every customer\'s health is then recomputed from the log. Preview first with POST /ops/health-config/preview.',
  })
  @ApiResponse({ status: 200, type: HealthConfigDto })
  @ApiResponse({ status: 422, description: 'Invalid overrides.' })
  async put(@ValidBody(HealthConfigBody) body: HealthConfigInput, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<HealthConfigDto> {
    const applied = await applyHealthConfig(this.store, { overrides: body.overrides, actorId: user.id, correlationId, now: this.clock.now(), eventId: this.ids.next() });
    return healthDto(applied);
  }

  @Post('health-config/preview')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'What proposed health weights or bands would have done over the last 90 days of the log',
    description: 'Nothing is stored. For every customer: the band now (as the read model evaluates it) under the configuration in force and under the proposed one, and on how many days of the last 90 the band would differ, from the log with the same functions as the projection; the customers that change, and a few examples with their drivers before and after. `overrides` has the meaning of PUT /ops/health-config (the whole set).',
  })
  @ApiResponse({ status: 200, type: HealthConfigPreviewDto })
  @ApiResponse({ status: 422, description: 'Invalid overrides.' })
  async preview(@ValidBody(HealthConfigPreviewBody) body: HealthConfigInput): Promise<HealthConfigPreviewDto> {
    const current = await loadHealthConfig(this.ds);
    assertNoChurnModel(body.overrides);
    // Validated here (a bad key is a 422, not a thread's error), computed in a health-read thread.
    effectiveHealthConfig(body.overrides, current.churn);
    return this.reads.preview(body.overrides);
  }

  @Get('churn-model')
  @Roles('admin', 'team_lead', 'ops')
  @ApiOperation({ summary: 'The churn coefficients in force, where they came from, and the figures of the backtest behind them' })
  @ApiResponse({ status: 200, type: ChurnModelDto })
  async churn(): Promise<ChurnModelDto> {
    return churnDto(await loadHealthConfig(this.ds));
  }

  @Put('churn-model')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Apply churn coefficients (e.g. the churn-config.json `npm run backtest -- --fit` wrote)',
    description: 'Coefficients left out take their default. A warning sign may not get a negative coefficient (nor a renewal a positive one): more transactional contact must never lower the risk. Recorded as a HealthConfigChanged event (part `churn`, with the backtest figures) and as the model in force; the customer read models are rebuilt.',
  })
  @ApiResponse({ status: 200, type: ChurnModelDto })
  @ApiResponse({ status: 422, description: 'Invalid coefficients.' })
  async putChurn(@ValidBody(ChurnModelBody) body: ChurnModelInput, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<ChurnModelDto> {
    const coefficients = { ...DEFAULT_HEALTH_CONFIG.churn.coefficients };
    for (const [f, v] of Object.entries(body.coefficients)) if (v !== undefined) coefficients[f as ChurnFeature] = v;
    const applied = await applyHealthConfig(this.store, {
      churn: { coefficients: { intercept: body.intercept, coefficients }, backtest: body.backtest ?? null },
      actorId: user.id,
      correlationId,
      now: this.clock.now(),
      eventId: this.ids.next(),
    });
    return churnDto(applied);
  }
}
