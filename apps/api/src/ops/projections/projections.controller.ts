import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCookieAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { projectionStatuses, requestRebuild } from '../../../../../libs/event-store/src/index.js';
import { ProblemException, Roles } from '../../../../../libs/shared/src/index.js';

export class ProjectionStatusDto {
  @ApiProperty({ example: 'customer-health' }) name: string;
  @ApiProperty({ description: 'Global position of the last event applied.' }) position: number;
  @ApiProperty({ description: 'Committed events not yet applied.' }) lagEvents: number;
  @ApiProperty({ description: 'Age of the oldest event not yet applied, in seconds (0 when caught up).' }) lagSeconds: number;
  @ApiProperty({ enum: ['running', 'rebuild_requested', 'failing'] }) status: string;
}

export class RebuildAcceptedDto {
  @ApiProperty() name: string;
  @ApiProperty({ example: 'rebuild_requested' }) status: string;
}

@ApiTags('ops')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('ops/projections')
export class ProjectionsController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get()
  @Roles('ops', 'admin')
  @ApiOperation({ summary: 'Every projection: position, lag in events and seconds, status' })
  @ApiOkResponse({ type: [ProjectionStatusDto] })
  async list(): Promise<ProjectionStatusDto[]> {
    const rows = await projectionStatuses(this.db);
    return rows.map((r) => ({ name: r.name, position: r.position, lagEvents: r.lagEvents, lagSeconds: r.lagSeconds, status: r.status }));
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @Roles('ops', 'admin')
  @ApiOperation({ summary: 'Ask the worker to reset a projection and replay the whole log into it' })
  @ApiAcceptedResponse({ type: RebuildAcceptedDto })
  @ApiNotFoundResponse({ description: 'No projection with that name.' })
  async rebuild(@Param('name') name: string): Promise<RebuildAcceptedDto> {
    if (!(await requestRebuild(this.db, name))) throw ProblemException.notFound('No projection with that name.');
    return { name, status: 'rebuild_requested' };
  }
}
