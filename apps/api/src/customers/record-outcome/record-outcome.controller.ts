import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, Roles, ValidBody, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { correlationIdOf } from '../register-customer/register-customer.controller.js';
import { RecordOutcomeCommand } from './record-outcome.command.js';
import { OutcomeRecordedDto, RecordOutcomeBody, type RecordOutcomeDto } from './record-outcome.dto.js';

@ApiTags('customers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('customers')
export class RecordOutcomeController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/outcomes')
  @Roles('admin', 'team_lead', 'account_manager')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a business outcome (renewed, churned, expanded, downgraded)', description: 'Idempotent: the same type and occurredAt again stores nothing new.' })
  @ApiResponse({ status: 201, type: OutcomeRecordedDto })
  @ApiResponse({ status: 404, description: 'No such customer, or outside your reach.' })
  @ApiResponse({ status: 422, description: 'Invalid fields or an outcome dated in the future.' })
  record(@Param('id') id: string, @ValidBody(RecordOutcomeBody) body: RecordOutcomeDto, @CurrentUser() user: AuthUser, @Req() req: Request): Promise<OutcomeRecordedDto> {
    return this.commands.execute(new RecordOutcomeCommand(id, body, user, correlationIdOf(req)));
  }
}
