import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { nothingRecordedNote, type HealthView } from '../../../../../libs/relationship/src/index.js';
import { CUSTOMER_ROLES, Clock, CurrentUser, ProblemException, Roles, ValidQuery, assertCustomerInScope, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { HealthReadService } from './health-read.service.js';
import { HealthDto, HealthHistoryDto, HealthHistoryQuery, HealthQuery, type HealthHistoryQueryDto, type HealthQueryDto } from './health.dto.js';

const DAY_MS = 86_400_000;
const MAX_POINTS = { day: 1100, week: 520 } as const;

function toDto(id: string, v: HealthView, firstRecordedAt: string | null): HealthDto {
  // Before the first record nothing is considered, while the curve (business time) has that past: say so, and where to look.
  const nothing = nothingRecordedNote(new Date(v.at), firstRecordedAt);
  const notes = nothing === null ? v.notes : [...v.notes, { ...nothing, curve: `/api/v1/customers/${id}/health/history?to=${encodeURIComponent(v.at)}` }];
  return {
    asOf: v.at,
    score: v.score,
    band: v.band,
    trend30d: v.trend30d,
    churnRisk: { probability: v.churnRisk.probability, level: v.churnRisk.level, drivers: v.churnRisk.drivers },
    drivers: v.drivers,
    notes,
    eventsConsidered: v.eventsConsidered,
    firstRecordedAt,
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
  @ApiUnprocessableEntityResponse({ description: 'asOf is not a date or date-time from 1970 on.' })
  async health(@Param('id') id: string, @ValidQuery(HealthQuery) q: HealthQueryDto, @CurrentUser() user: AuthUser): Promise<HealthDto> {
    await assertCustomerInScope(this.db, user, id);
    // Knowledge time: the log as it stood at asOf (now when absent: health decays with time, so
    // the read model, evaluated at its latest event, is not "now"). Read 1 ms past it (the database keeps
    // microseconds), then cut in the fold at millisecond precision, as the projection sees times.
    // The same fold and evaluation as the projection, so asOf = a read model's evaluation time
    // gives that read model's figures.
    const at = q.asOf ?? this.clock.now();
    // Computed off the event loop from each customer's kept fold (HealthReadService); firstRecordedAt
    // is when the first event health counts was recorded (by asOf, else the first one at all).
    const { view, firstRecordedAt } = await this.reads.health(id, at, q.asOf);
    return toDto(id, view, firstRecordedAt);
  }

  @Get(':id/health/history')
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({ summary: 'The health curve in business time: each point from the touchpoints that occurred up to it, with everything known now (late arrivals included)' })
  @ApiOkResponse({ type: HealthHistoryDto })
  @ApiNotFoundResponse({ description: 'No such customer, or outside your reach.' })
  @ApiUnprocessableEntityResponse({ description: 'Bad from/to/step, from after to, or a range above the maximum.' })
  async history(@Param('id') id: string, @ValidQuery(HealthHistoryQuery) q: HealthHistoryQueryDto, @CurrentUser() user: AuthUser): Promise<HealthHistoryDto> {
    const step = q.step ?? 'day';
    const to = q.to ?? this.clock.now();
    const from = q.from ?? new Date(to.getTime() - (step === 'day' ? 365 : 3 * 365) * DAY_MS);
    if (from.getTime() > to.getTime()) throw ProblemException.validation([{ path: 'from', message: 'from must not be after to' }]);
    const points = (to.getTime() - from.getTime()) / (step === 'day' ? DAY_MS : 7 * DAY_MS);
    if (points > MAX_POINTS[step]) {
      throw ProblemException.validation([{ path: 'from', message: `at most ${MAX_POINTS[step]} ${step}s per request` }]);
    }
    await assertCustomerInScope(this.db, user, id);
    return { points: await this.reads.history(id, from, to, step) };
  }
}
