import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AllowSource, ProblemException, Roles, ValidBody, customerNotFound, randomId, type AuthUser, type SourceCaller } from '../../../../libs/shared/src/index.js';
import { RecordTouchpointsCommand } from './record-touchpoints/record-touchpoints.command.js';
import { CustomerResolutionError, TouchpointIdTakenError, type IngestContext } from './touchpoint-ingestor.js';
import { BatchResultDto, TouchpointResultDto } from './touchpoint.dto.js';
import { clean, cleanBatch, TouchpointBatchBody, TouchpointBody, type TouchpointDto } from './touchpoint.schema.js';

type CallerRequest = Request & { id?: string; user?: AuthUser; source?: SourceCaller };

/** The same id for another customer or from another writer: refused, and nothing said about that event. */
const idTaken = () =>
  ProblemException.conflict('This touchpoint id (or your externalId) is already used for another customer or by another writer: send it with a new id.', 'touchpoint-id-taken');

/** Who is writing: a signed-in user (scoped to their customers) or a source token (any customer). */
export function callerContext(req: CallerRequest, route: IngestContext['route']): IngestContext {
  const correlationId = String(req.id ?? req.headers['x-request-id'] ?? '') || randomId();
  if (req.source) return { actorId: `source:${req.source.id}`, sourceId: req.source.id, correlationId, route };
  if (!req.user) throw ProblemException.unauthorized();
  return { actorId: req.user.id, user: req.user, correlationId, route };
}

@ApiTags('touchpoints')
@ApiBearerAuth()
@Controller('touchpoints')
export class TouchpointsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('admin', 'team_lead', 'account_manager')
  @AllowSource()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record one touchpoint',
    description:
      'Idempotent per writer and customer on `id` (else the writer + externalId). The same touchpoint again from the same writer for the same customer answers 200 with `duplicate: true` and the stored position; ' +
      'the same id for another customer or from another writer answers 409 and stores nothing. ' +
      'An unknown `customerExternalId` creates the customer (unassigned; assigned to the caller when the caller is an account manager). ' +
      'Accepts a source API token (`cls_src_...`) as bearer.',
  })
  @ApiResponse({ status: 201, type: TouchpointResultDto })
  @ApiResponse({ status: 200, type: TouchpointResultDto, description: 'Duplicate: nothing new was stored.' })
  @ApiResponse({ status: 404, description: 'customerId unknown or outside the caller’s reach.' })
  @ApiResponse({ status: 409, description: 'The id (or externalId) was used for another customer or by another writer; nothing was stored.' })
  @ApiResponse({ status: 422, description: 'Validation failed; `errors` names each field.' })
  async record(@ValidBody(TouchpointBody, clean) touchpoint: TouchpointDto, @Req() req: CallerRequest, @Res({ passthrough: true }) res: Response): Promise<TouchpointResultDto> {
    try {
      const [outcome] = await this.commands.execute(new RecordTouchpointsCommand([touchpoint], callerContext(req, 'api')));
      if (outcome.duplicate) res.status(200);
      return { eventId: outcome.eventId, position: outcome.position, duplicate: outcome.duplicate };
    } catch (err) {
      if (err instanceof CustomerResolutionError) throw customerNotFound();
      if (err instanceof TouchpointIdTakenError) throw idTaken();
      throw err;
    }
  }

  @Post('batch')
  @Roles('admin', 'team_lead', 'account_manager')
  @AllowSource()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record up to 1000 touchpoints, all or nothing',
    description: 'Any invalid item (including an unknown or out-of-reach customerId) answers 422 naming each bad index, and nothing is written.',
  })
  @ApiResponse({ status: 201, type: BatchResultDto })
  @ApiResponse({ status: 409, description: 'An id (or externalId) was used for another customer or by another writer; nothing was stored.' })
  @ApiResponse({ status: 422, description: 'Validation failed, e.g. `touchpoints[3].channel`.' })
  async batch(@ValidBody(TouchpointBatchBody, cleanBatch) touchpoints: TouchpointDto[], @Req() req: CallerRequest): Promise<BatchResultDto> {
    try {
      const outcomes = await this.commands.execute(new RecordTouchpointsCommand(touchpoints, callerContext(req, 'batch')));
      const duplicates = outcomes.filter((o) => o.duplicate).length;
      return {
        accepted: outcomes.length - duplicates,
        duplicates,
        results: outcomes.map((o) => ({ index: o.index, eventId: o.eventId, duplicate: o.duplicate })),
      };
    } catch (err) {
      if (err instanceof CustomerResolutionError) {
        throw ProblemException.validation(err.problems.map((p) => ({ path: `touchpoints[${p.index}].${p.path}`, message: p.message })));
      }
      if (err instanceof TouchpointIdTakenError) throw idTaken();
      throw err;
    }
  }
}
