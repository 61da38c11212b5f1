import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { HealthView } from '../../../../../libs/relationship/src/index.js';
import { CUSTOMER_ROLES, Clock, CurrentUser, ProblemException, Roles, assertCustomerInScope, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { HealthReadService } from './health-read.service.js';
import { HealthDto, HealthHistoryDto, HealthHistoryQuery, HealthQuery } from './health.dto.js';

const DAY_MS = 86_400_000;
const MAX_POINTS = { day: 1100, week: 520 } as const;

function parseTime(value: string | undefined, path: string): Date | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) throw ProblemException.validation([{ path, message: `${path} must be an ISO-8601 date or datetime` }]);
  return new Date(t);
}

function toDto(v: HealthView): HealthDto {
  return {
    asOf: v.at,
    score: v.score,
    band: v.band,
    trend30d: v.trend30d,
    churnRisk: { probability: v.churnRisk.probability, level: v.churnRisk.level, drivers: v.churnRisk.drivers },
    drivers: v.drivers,
    eventsConsidered: v.eventsConsidered,
  };
}

@ApiTags('customers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('customers')
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(HealthReadService) private readonly reads: HealthReadService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get(':id/health')
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({
    summary: 'Health, drivers and churn risk, recomputed from the log: the events recorded up to asOf (default now), evaluated at asOf',
  })
  @ApiOkResponse({ type: HealthDto })
  @ApiNotFoundResponse({ description: 'No such customer, or outside your reach.' })
  @ApiUnprocessableEntityResponse({ description: 'asOf is not a datetime.' })
  async health(@Param('id') id: string, @Query() q: HealthQuery, @CurrentUser() user: AuthUser): Promise<HealthDto> {
    const asOf = parseTime(q.asOf, 'asOf');
    await assertCustomerInScope(this.db, user, id);
    // Knowledge time: the log as it stood at asOf (now when absent: health decays with time, so
    // the read model, evaluated at its latest event, is not "now"). Read 1 ms past it (the database keeps Read 1 ms past it (the database keeps
    // microseconds), then cut in the fold at millisecond precision, as the projection sees times.
    // The same fold and evaluation as the projection, so asOf = a read model's evaluation time
    // gives that read model's figures.
    const at = asOf ?? this.clock.now();
    // Computed off the event loop from each customer's kept fold (HealthReadService).
    return toDto(await this.reads.health(id, at, asOf));
  }

  @Get(':id/health/history')
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({ summary: 'The health curve in business time: each point from the touchpoints that occurred up to it, with everything known now (late arrivals included)' })
  @ApiOkResponse({ type: HealthHistoryDto })
  @ApiNotFoundResponse({ description: 'No such customer, or outside your reach.' })
  @ApiUnprocessableEntityResponse({ description: 'Bad from/to/step, from after to, or a range above the maximum.' })
  async history(@Param('id') id: string, @Query() q: HealthHistoryQuery, @CurrentUser() user: AuthUser): Promise<HealthHistoryDto> {
    const step = q.step ?? 'day';
    const to = parseTime(q.to, 'to') ?? this.clock.now();
    const from = parseTime(q.from, 'from') ?? new Date(to.getTime() - (step === 'day' ? 365 : 3 * 365) * DAY_MS);
    if (from.getTime() > to.getTime()) throw ProblemException.validation([{ path: 'from', message: 'from must not be after to' }]);
    const points = (to.getTime() - from.getTime()) / (step === 'day' ? DAY_MS : 7 * DAY_MS);
    if (points > MAX_POINTS[step]) {
      throw ProblemException.validation([{ path: 'from', message: `at most ${MAX_POINTS[step]} ${step}s per request` }]);
    }
    await assertCustomerInScope(this.db, user, id);
    return { points: await this.reads.history(id, from, to, step) };
  }
}
