import { Controller, Param, Patch, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, Roles, ValidBody, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { WrittenCustomerDto } from '../register-customer/customer-registry.js';
import { correlationIdOf } from '../register-customer/register-customer.controller.js';
import { ChangeCustomerBody, type ChangeCustomerDto } from '../register-customer/register-customer.dto.js';
import { ChangeCustomerCommand } from './change-customer.command.js';

@ApiTags('customers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('customers')
export class ChangeCustomerController {
  constructor(private readonly commands: CommandBus) {}

  @Patch(':id')
  @Roles('admin', 'team_lead', 'account_manager')
  @ApiOperation({
    summary: 'Change a customer’s details or owner',
    description: 'Only the fields given change; an unchanged value records nothing. Reassignment follows the same rules as registration.',
  })
  @ApiResponse({ status: 200, type: WrittenCustomerDto })
  @ApiResponse({ status: 404, description: 'No such customer, or outside your reach.' })
  @ApiResponse({ status: 409, description: 'externalId taken by another customer, or a concurrent change.' })
  @ApiResponse({ status: 422, description: 'Invalid fields, or accountManagerId is not an assignable account manager.' })
  change(@Param('id') id: string, @ValidBody(ChangeCustomerBody) body: ChangeCustomerDto, @CurrentUser() user: AuthUser, @Req() req: Request): Promise<WrittenCustomerDto> {
    return this.commands.execute(new ChangeCustomerCommand(id, body, user, correlationIdOf(req)));
  }
}
