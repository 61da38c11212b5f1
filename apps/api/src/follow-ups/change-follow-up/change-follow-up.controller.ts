import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { CUSTOMER_ROLES, CurrentUser, Roles, ValidBody, type AuthUser } from '../../../../../libs/shared/src/index.js';
import {
  CompleteFollowUpBody,
  DismissFollowUpBody,
  FollowUpItemDto,
  SnoozeFollowUpBody,
  toItem,
  type CompleteFollowUpDto,
  type DismissFollowUpDto,
  type SnoozeFollowUpDto,
} from '../follow-up.dto.js';
import { ChangeFollowUpHandler } from './change-follow-up.handler.js';

const correlationOf = (req: Request) => {
  const h = req.headers['x-request-id'];
  return typeof h === 'string' && /^[\w.-]{1,100}$/.test(h) ? h : randomUUID();
};

@ApiTags('follow-ups')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('follow-ups')
export class ChangeFollowUpController {
  constructor(@Inject(ChangeFollowUpHandler) private readonly handler: ChangeFollowUpHandler) {}

  @Post(':id/complete')
  @HttpCode(200)
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({ summary: 'Complete a follow-up', description: 'Optionally with a note or the touchpoint that did it. Completing a closed task is 409.' })
  @ApiResponse({ status: 200, type: FollowUpItemDto })
  @ApiResponse({ status: 404, description: 'No such task, or its customer is outside your reach.' })
  @ApiResponse({ status: 409, description: 'Already completed or dismissed, or changed concurrently.' })
  async complete(@Param('id') id: string, @ValidBody(CompleteFollowUpBody) body: CompleteFollowUpDto, @CurrentUser() user: AuthUser, @Req() req: Request): Promise<FollowUpItemDto> {
    return toItem(await this.handler.execute(id, { type: 'Complete', note: body.note, touchpointId: body.touchpointId, by: user.id, automatic: false }, user, correlationOf(req)));
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({ summary: 'Dismiss a follow-up with a reason' })
  @ApiResponse({ status: 200, type: FollowUpItemDto })
  @ApiResponse({ status: 404, description: 'No such task, or its customer is outside your reach.' })
  @ApiResponse({ status: 409, description: 'Already completed or dismissed.' })
  async dismiss(@Param('id') id: string, @ValidBody(DismissFollowUpBody) body: DismissFollowUpDto, @CurrentUser() user: AuthUser, @Req() req: Request): Promise<FollowUpItemDto> {
    return toItem(await this.handler.execute(id, { type: 'Dismiss', reason: body.reason, by: user.id }, user, correlationOf(req)));
  }

  @Post(':id/snooze')
  @HttpCode(200)
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({ summary: 'Snooze a follow-up until a later moment', description: 'It opens again at `until` (the scheduled sweep), and still counts as the open task of its rule.' })
  @ApiResponse({ status: 200, type: FollowUpItemDto })
  @ApiResponse({ status: 404, description: 'No such task, or its customer is outside your reach.' })
  @ApiResponse({ status: 409, description: 'Already completed or dismissed.' })
  @ApiResponse({ status: 422, description: '`until` is not a date-time after now and at most 366 days ahead.' })
  async snooze(@Param('id') id: string, @ValidBody(SnoozeFollowUpBody) body: SnoozeFollowUpDto, @CurrentUser() user: AuthUser, @Req() req: Request): Promise<FollowUpItemDto> {
    return toItem(await this.handler.execute(id, { type: 'Snooze', until: body.until, by: user.id }, user, correlationOf(req)));
  }
}
