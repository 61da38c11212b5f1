import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { Roles } from '../../../../../libs/shared/src/index.js';

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

export class JobDeadLettersQueryDto {
  @ApiPropertyOptional({ example: 'follow-ups' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  queue?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

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
  async list(@Query() q: JobDeadLettersQueryDto): Promise<JobDeadLetterListDto> {
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
