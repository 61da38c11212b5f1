import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { queryInt, randomId, Roles, ValidQuery } from '../../../../../libs/shared/src/index.js';
import { WebhookReceiver } from '../../webhooks/webhook-receiver.js';

export const DeadLetterQuery = z.strictObject({
  status: z.enum(['open', 'resolved', 'all']).optional().meta({ description: 'Default open.' }),
  limit: queryInt(1, 500).optional().meta({ description: 'Default 100.' }),
});

export class DeadLetterDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() kind: string;
  @ApiProperty({ format: 'uuid', nullable: true }) sourceId: string | null;
  @ApiProperty({ nullable: true }) format: string | null;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true }) contentType: string | null;
  @ApiProperty({ description: 'Headers kept for re-mapping (never signatures or credentials).' }) headers: Record<string, string>;
  @ApiProperty({ description: 'The delivery body as received (UTF-8).' }) body: string;
  @ApiProperty({ type: [String] }) eventIds: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true }) resolvedAt: string | null;
}

export class DeadLetterRetryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['open', 'resolved'] }) status: string;
  @ApiProperty({ nullable: true, description: 'Why it is still open.' }) reason: string | null;
  @ApiProperty({ type: [String] }) eventIds: string[];
  @ApiProperty() attempts: number;
}

@ApiTags('ops')
@ApiBearerAuth()
@Controller('ops/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly ds: DataSource,
    private readonly receiver: WebhookReceiver,
  ) {}

  @Get()
  @Roles('ops', 'admin')
  @ApiOperation({ summary: 'Authentic webhook deliveries that could not be mapped, newest first', description: 'Each is kept whole with its reason; nothing is lost.' })
  @ApiResponse({ status: 200, type: [DeadLetterDto] })
  async list(@ValidQuery(DeadLetterQuery) q: z.output<typeof DeadLetterQuery>): Promise<{ items: DeadLetterDto[] }> {
    const status = q.status ?? 'open';
    const rows: any[] = await this.ds.query(
      `SELECT id, kind, source_id, format, reason, status, attempts, content_type, headers, body, event_ids, created_at, resolved_at
       FROM dead_letters WHERE ($1 = 'all' OR status = $1) ORDER BY created_at DESC, id LIMIT $2`,
      [status, q.limit ?? 100],
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        sourceId: r.source_id,
        format: r.format,
        reason: r.reason,
        status: r.status,
        attempts: r.attempts,
        contentType: r.content_type,
        headers: r.headers ?? {},
        body: Buffer.isBuffer(r.body) ? r.body.toString('utf8') : String(r.body ?? ''),
        eventIds: r.event_ids ?? [],
        createdAt: new Date(r.created_at).toISOString(),
        resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
      })),
    };
  }

  @Post(':id/retry')
  @Roles('ops', 'admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Map a dead letter again',
    description: 'After a fix, or once its customer exists: success stores the events and resolves it (idempotent); failure keeps it open with the new reason.',
  })
  @ApiResponse({ status: 200, type: DeadLetterRetryDto })
  @ApiResponse({ status: 404, description: 'No such dead letter.' })
  retry(@Param('id') id: string, @Req() req: Request & { id?: unknown }): Promise<DeadLetterRetryDto> {
    return this.receiver.retryDeadLetter(id, String(req.id ?? '') || randomId());
  }
}
