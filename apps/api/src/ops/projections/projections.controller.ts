import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCookieAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { parkedEvents, projectionStatuses, requestParkedRetry, requestRebuild, type ParkedEvent } from '../../../../../libs/event-store/src/index.js';
import { READ_MODELS_LEASE_RUNNER } from '../../../../../libs/read-models/src/index.js';
import { ProblemException, Roles } from '../../../../../libs/shared/src/index.js';

/** Parked events listed per projection in `GET /ops/projections` (the count is always whole). */
const LISTED_PARKED = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ParkedEventDto {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ description: 'Global position of the event in the log.' }) position: number;
  @ApiProperty({ example: 'customer-3f0c…', description: 'The stream (ids only, no customer data).' }) streamId: string;
  @ApiProperty() streamVersion: number;
  @ApiProperty({ example: 'TouchpointRecorded' }) type: string;
  @ApiProperty({ enum: ['parked', 'held', 'retry_requested'], description: '`parked`: the projection could not apply it; `held`: a later event of the same stream, waiting behind the parked one (order within a stream matters).' })
  status: string;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'For a held event: the parked event it waits behind.' }) heldBy: string | null;
  @ApiProperty({ description: 'The error the projection met (for a held event: which event it waits behind).' }) error: string;
  @ApiProperty({ description: 'Times it was tried.' }) attempts: number;
  @ApiProperty({ format: 'date-time' }) parkedAt: string;
  @ApiProperty({ format: 'date-time' }) lastAttemptAt: string;
}

export class BucketProgressDto {
  @ApiProperty({ example: 64, description: 'Buckets the log is split into for this projection.' }) count: number;
  @ApiProperty({ example: 64, description: 'Buckets that have applied every event committed in them so far (a rebuild into shadow tables reports its own, in `rebuild`).' }) applied: number;
}

export class LeaseHolderDto {
  @ApiProperty({ example: 'worker-1:4242:3f0c9a1b', description: 'The worker process (host:pid:instance).' }) owner: string;
  @ApiProperty({ example: 32, description: 'Buckets whose lease it holds now.' }) buckets: number;
}

export class RebuildProgressDto {
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ example: 64, description: 'The rebuild\'s buckets (1 for a projection that runs whole).' }) buckets: number;
  @ApiProperty({ example: 40, description: 'Buckets whose shadow has applied every event committed in them so far.' }) bucketsDone: number;
  @ApiProperty({ description: 'Events of the projection\'s types applied to the shadow tables so far.' }) eventsApplied: number;
  @ApiProperty({ description: 'Events of the projection\'s types in the log when the rebuild began (or applied, when more).' }) eventsTotal: number;
  @ApiProperty({ description: 'Mean rate since the rebuild began.' }) eventsPerSecond: number;
  @ApiProperty({ nullable: true, description: 'Seconds until the shadow reaches `eventsTotal` at that rate (null before the first batch); the swap follows.' }) etaSeconds: number | null;
  @ApiProperty({
    enum: ['running', 'failing'],
    description: 'The rebuild\'s own state. `failing`: its last shadow batch (or swap) failed and it retries with back-off (up to 30 s); the live projection is not affected (its `status` stays `running`, its tables keep serving and applying new events).',
  })
  status: 'running' | 'failing';
  @ApiProperty({ nullable: true, description: 'The error of the rebuild\'s last failed try while `failing` (events it cannot apply are parked instead, as live).' }) lastError: string | null;
  @ApiProperty({ description: 'Failed tries in a row (0 once one goes through).' }) attempts: number;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'Since when it has been failing.' }) failingSince: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'When it tries again.' }) retryAt: string | null;
}

export class ProjectionStatusDto {
  @ApiProperty({ example: 'customer-health' }) name: string;
  @ApiProperty({ description: 'Global position of the last event applied (a partitioned projection: the furthest any of its buckets has applied).' }) position: number;
  @ApiProperty({ description: 'Committed events not yet applied.' }) lagEvents: number;
  @ApiProperty({ description: 'Age of the oldest event not yet applied, in seconds (0 when caught up).' }) lagSeconds: number;
  @ApiProperty({ enum: ['running', 'rebuild_requested', 'failing'] }) status: string;
  @ApiProperty({
    nullable: true,
    description: 'The error of the last failed batch while `failing` (a fault that is no event\'s own: the batch is retried whole); while `rebuild_requested`, why the rebuild could not begin yet (it is retried with back-off; the live projection goes on). A rebuild\'s own failures are in `rebuild`.',
  })
  lastError: string | null;
  @ApiProperty({ description: 'Events in the projection\'s quarantine: parked (could not be applied) and held behind them. The projection went on past them.' })
  parked: number;
  @ApiProperty({ type: [ParkedEventDto], description: `The parked and held events in log order (at most ${LISTED_PARKED}).` }) parkedEvents: ParkedEventDto[];
  @ApiProperty({ type: BucketProgressDto, required: false, description: 'Only for a projection that runs per bucket of the log, shared among the worker processes.' })
  buckets?: BucketProgressDto;
  @ApiProperty({ type: [LeaseHolderDto], required: false, description: 'Only for a partitioned projection: the worker processes holding its buckets now (empty: none is running it).' })
  leaseHolders?: LeaseHolderDto[];
  @ApiProperty({
    type: RebuildProgressDto,
    required: false,
    description: 'Only while a rebuild runs into shadow tables: the live read model (position, lag, buckets above) keeps serving and applying new events until the shadow is swapped in, in one transaction.',
  })
  rebuild?: RebuildProgressDto;
}

export class RebuildAcceptedDto {
  @ApiProperty() name: string;
  @ApiProperty({ example: 'rebuild_requested' }) status: string;
}

export class RetryAcceptedDto {
  @ApiProperty() name: string;
  @ApiProperty({ format: 'uuid', nullable: true, description: 'The parked event (null: all of the projection\'s).' }) eventId: string | null;
  @ApiProperty({ example: 'retry_requested' }) status: string;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const toParkedDto = (p: ParkedEvent): ParkedEventDto => ({
  eventId: p.eventId,
  position: p.position,
  streamId: p.streamId,
  streamVersion: p.streamVersion,
  type: p.type,
  status: p.retryRequested ? 'retry_requested' : p.heldBy ? 'held' : 'parked',
  heldBy: p.heldBy,
  error: p.error,
  attempts: p.attempts,
  parkedAt: new Date(p.parkedAt).toISOString(),
  lastAttemptAt: new Date(p.lastAttemptAt).toISOString(),
});

@ApiTags('ops')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('ops/projections')
export class ProjectionsController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get()
  @Roles('ops', 'admin')
  @ApiOperation({ summary: 'Every projection: position, lag in events and seconds, status, and the events it parked' })
  @ApiOkResponse({ type: [ProjectionStatusDto] })
  async list(): Promise<ProjectionStatusDto[]> {
    const rows = await projectionStatuses(this.db, { leaseRunner: READ_MODELS_LEASE_RUNNER });
    const out: ProjectionStatusDto[] = [];
    for (const r of rows) {
      const parked = r.parked > 0 ? await parkedEvents(this.db, r.name, LISTED_PARKED) : [];
      out.push({
        name: r.name, position: r.position, lagEvents: r.lagEvents, lagSeconds: r.lagSeconds, status: r.status, lastError: r.lastError, parked: r.parked, parkedEvents: parked.map(toParkedDto),
        ...(r.buckets ? { buckets: r.buckets, leaseHolders: r.leaseHolders ?? [] } : {}),
        ...(r.rebuild ? { rebuild: { ...r.rebuild, startedAt: iso(r.rebuild.startedAt)!, failingSince: iso(r.rebuild.failingSince), retryAt: iso(r.rebuild.retryAt) } } : {}),
      });
    }
    return out;
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @Roles('ops', 'admin')
  @ApiOperation({
    summary: 'Ask the worker to replay the whole log into a projection',
    description:
      'A read model is replayed into shadow tables while its live tables keep serving (and keep applying new events); once the shadow has caught up, it replaces them in one transaction, so a reader sees the whole old model or the whole new one. ' +
      'Progress: `rebuild` in `GET /ops/projections`. A relay (no tables of its own) replays in place. The quarantine is rebuilt with it: an event that still fails is parked again and the rebuild goes on past it.',
  })
  @ApiAcceptedResponse({ type: RebuildAcceptedDto })
  @ApiNotFoundResponse({ description: 'No projection with that name.' })
  async rebuild(@Param('name') name: string): Promise<RebuildAcceptedDto> {
    if (!(await requestRebuild(this.db, name))) throw ProblemException.notFound('No projection with that name.');
    return { name, status: 'rebuild_requested' };
  }

  @Post(':name/parked/retry')
  @HttpCode(202)
  @Roles('ops', 'admin')
  @ApiOperation({ summary: 'Ask the worker to apply every parked event of a projection again (after a fix)', description: 'As for one event, for all of them, in log order.' })
  @ApiAcceptedResponse({ type: RetryAcceptedDto })
  @ApiNotFoundResponse({ description: 'No such projection, or nothing parked in it.' })
  async retryAll(@Param('name') name: string): Promise<RetryAcceptedDto> {
    if (!(await requestParkedRetry(this.db, name))) throw ProblemException.notFound('Nothing is parked in a projection of that name.');
    return { name, eventId: null, status: 'retry_requested' };
  }

  @Post(':name/parked/:eventId/retry')
  @HttpCode(202)
  @Roles('ops', 'admin')
  @ApiOperation({
    summary: 'Ask the worker to apply a parked event again (after a fix)',
    description:
      'The worker holding the projection applies the event and the events of its stream held behind it, in log order, under the projection\'s lock. ' +
      'What applies leaves the quarantine; what fails again stays, with its new error and one more attempt. Retrying twice is harmless. Watch `GET /ops/projections`.',
  })
  @ApiAcceptedResponse({ type: RetryAcceptedDto })
  @ApiNotFoundResponse({ description: 'No such projection, or that event is not parked in it.' })
  async retry(@Param('name') name: string, @Param('eventId') eventId: string): Promise<RetryAcceptedDto> {
    if (!UUID.test(eventId) || !(await requestParkedRetry(this.db, name, eventId))) throw ProblemException.notFound('That event is not parked in a projection of that name.');
    return { name, eventId, status: 'retry_requested' };
  }
}
