import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { queryInt, Roles, text, ValidQuery } from '../../../../../libs/shared/src/index.js';

export class JobDeadLetterDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'follow-ups' }) queue: string;
  @ApiProperty({ example: 'evaluate-event' }) jobName: string;
  @ApiProperty({ description: 'BullMQ job id (for follow-up evaluation: the causing event id).' }) jobId: string;
  @ApiProperty({ description: 'The job payload (ids only, no personal data).' }) data: unknown;
  @ApiProperty() reason: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ description: 'Failed permanently (UnrecoverableError) rather than after its last retry.' }) unrecoverable: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class JobDeadLetterListDto {
  @ApiProperty({ type: [JobDeadLetterDto] }) items: JobDeadLetterDto[];
}

export const JobDeadLettersQuery = z.strictObject({
  queue: text(100).optional().meta({ example: 'follow-ups' }),
  limit: queryInt(1, 1000).optional().meta({ description: 'Default 100.' }),
});

@ApiTags('ops')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('ops/job-dead-letters')
export class JobDeadLettersController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get()
  @Roles('ops', 'admin')
  @ApiOperation({ summary: 'Queue jobs that failed for good', description: 'Copied from BullMQ to Postgres after the last attempt (or an UnrecoverableError). Webhook dead letters are at /ops/dead-letters.' })
  @ApiResponse({ status: 200, type: JobDeadLetterListDto })
  async list(@ValidQuery(JobDeadLettersQuery) q: z.output<typeof JobDeadLettersQuery>): Promise<JobDeadLetterListDto> {
    const rows = await this.db.query(
      `SELECT * FROM job_dead_letters WHERE ($1::text IS NULL OR queue = $1) ORDER BY created_at DESC, id DESC LIMIT $2`,
      [q.queue ?? null, q.limit ?? 100],
    );
    return {
      items: rows.map((r: any) => ({
        id: Number(r.id), queue: r.queue, jobName: r.job_name, jobId: r.job_id, data: r.data, reason: r.reason,
        attempts: r.attempts, unrecoverable: r.unrecoverable, createdAt: new Date(r.created_at).toISOString(),
      })),
    };
  }
}
