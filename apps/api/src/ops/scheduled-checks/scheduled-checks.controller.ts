import { Controller, Get, HttpCode, Inject, type OnModuleDestroy, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCookieAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { QUEUES, type JobName, type QueueConnection } from '../../../../../libs/queues/src/index.js';
import { ProblemException, Roles } from '../../../../../libs/shared/src/index.js';
import { QUEUE_CONNECTION } from '../../queue-connection.module.js';

/** The worker's scheduled jobs that ops may run now, besides their schedule. */
const CHECKS = {
  'silence-check': { queue: QUEUES.silence, name: 'silence-check' satisfies JobName<typeof QUEUES.silence>, data: {} },
  'follow-up-sweep': { queue: QUEUES.followUps, name: 'follow-up-sweep' satisfies JobName<typeof QUEUES.followUps>, data: { reason: 'manual' } },
} as const;
type Check = keyof typeof CHECKS;

const unavailable = () => ProblemException.of(503, 'queues-unavailable', 'The queues are not reachable; try again shortly.', {}, { 'retry-after': '2' });

/** The queue store away must answer 503, not hold the request while the client queues the command. */
function withTimeout<T>(p: Promise<T>, ms = 3000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    timer.unref();
    p.then((v) => (clearTimeout(timer), resolve(v)), (e) => (clearTimeout(timer), reject(e)));
  });
}

const RUN_ID = /^manual-(silence-check|follow-up-sweep)-[0-9a-f-]{36}$/;

export class CheckRunDto {
  @ApiProperty({ enum: Object.keys(CHECKS) }) check: string;
  @ApiProperty({ example: 'manual-silence-check-3f0c…', description: 'The job id; `GET /ops/scheduled-checks/runs/:id` reports its state.' }) id: string;
  @ApiProperty({ enum: ['waiting', 'active', 'delayed', 'completed', 'failed', 'unknown'] }) state: string;
  @ApiProperty({ format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ nullable: true, description: 'Why the last attempt failed (a failed job is retried up to 3 times).' }) failedReason: string | null;
}

export class CheckRunsDto {
  @ApiProperty({ type: [CheckRunDto] }) runs: CheckRunDto[];
}

/**
 * Runs the worker's scheduled checks now: the silence check (unanswered inbound messages, quiet
 * relationships) and the follow-up sweep. They are the same jobs the schedules add, so a manual
 * run and a scheduled one cannot disagree; each records only what is not on record yet, so an
 * extra run adds nothing twice. Used after an import (the demo) so what users see first is the
 * state the schedules would reach, not the state before their next tick.
 */
@ApiTags('ops')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('ops/scheduled-checks')
export class ScheduledChecksController implements OnModuleDestroy {
  private readonly queues = new Map<string, Queue>();

  constructor(@Inject(QUEUE_CONNECTION) private readonly connection: QueueConnection) {}

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = this.connection.queue(name);
      q.on('error', () => undefined); // reported through the failing request
      this.queues.set(name, q);
    }
    return q;
  }

  @Post('run')
  @HttpCode(202)
  @Roles('ops', 'admin')
  @ApiOperation({ summary: 'Run the silence check and the follow-up sweep now', description: 'Adds one job of each to the worker\'s queues; poll each run until `completed`.' })
  @ApiAcceptedResponse({ type: CheckRunsDto })
  async run(): Promise<CheckRunsDto> {
    const runs: CheckRunDto[] = [];
    for (const [check, spec] of Object.entries(CHECKS) as [Check, (typeof CHECKS)[Check]][]) {
      const id = `manual-${check}-${randomUUID()}`;
      try {
        await withTimeout(this.queue(spec.queue).add(spec.name, spec.data, { jobId: id, attempts: 3, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } }));
      } catch {
        throw unavailable();
      }
      runs.push({ check, id, state: 'waiting', finishedAt: null, failedReason: null });
    }
    return { runs };
  }

  @Get('runs/:id')
  @Roles('ops', 'admin')
  @ApiOperation({ summary: 'The state of a manual run' })
  @ApiOkResponse({ type: CheckRunDto })
  @ApiNotFoundResponse({ description: 'No such run (or it was trimmed from the queue\'s history).' })
  async status(@Param('id') id: string): Promise<CheckRunDto> {
    const m = RUN_ID.exec(id);
    if (!m) throw ProblemException.notFound('No such run.');
    const check = m[1] as Check;
    let job;
    let state: string;
    try {
      job = await withTimeout(this.queue(CHECKS[check].queue).getJob(id));
      state = job ? await withTimeout(job.getState()) : 'unknown';
    } catch {
      throw unavailable();
    }
    if (!job) throw ProblemException.notFound('No such run.');
    return { check, id, state: ['waiting', 'active', 'delayed', 'completed', 'failed'].includes(state) ? state : state === 'prioritized' || state === 'waiting-children' ? 'waiting' : 'unknown', finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null, failedReason: job.failedReason ?? null };
  }

  async onModuleDestroy(): Promise<void> {
    // The connection is the API's shared one (QueueConnectionModule closes it): close the queues only.
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
  }
}
