import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, Roles, ValidBody, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { correlationIdOf } from '../register-customer/register-customer.controller.js';
import { RecordPulseCommand } from './record-pulse.command.js';
import { PulseRecordedDto, RecordPulseBody, type RecordPulseDto } from './record-pulse.dto.js';

@ApiTags('customers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('customers')
export class RecordPulseController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/pulse')
  @Roles('admin', 'team_lead', 'account_manager')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record the account manager’s pulse (1–5) on the relationship',
    description: 'An AccountManagerPulseRecorded event on the customer’s stream. The latest pulse within 90 days is a health driver: weight·(score − 3)/2 points (weight 10 by default, `pulse.weight` in the health configuration), halving every 30 days. Shown on the timeline with its note.',
  })
  @ApiResponse({ status: 201, type: PulseRecordedDto })
  @ApiResponse({ status: 404, description: 'No such customer, or outside your reach.' })
  @ApiResponse({ status: 422, description: 'A score outside 1–5, or a bad note.' })
  record(@Param('id') id: string, @ValidBody(RecordPulseBody) body: RecordPulseDto, @CurrentUser() user: AuthUser, @Req() req: Request): Promise<PulseRecordedDto> {
    return this.commands.execute(new RecordPulseCommand(id, body, user, correlationIdOf(req)));
  }
}
