import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, Roles, ValidBody, randomId, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { WrittenCustomerDto } from './customer-registry.js';
import { RegisterCustomerCommand } from './register-customer.command.js';
import { RegisterCustomerBody, type RegisterCustomerDto } from './register-customer.dto.js';

export const correlationIdOf = (req: Request & { id?: unknown }) => String(req.id ?? '') || randomId();

@ApiTags('customers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('customers')
export class RegisterCustomerController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('admin', 'team_lead', 'account_manager')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register a customer',
    description:
      'admin: any owner (or none). team_lead: an owner within their team (default: themselves). account_manager: only themselves (the default). ' +
      'Health fields are null in this answer: the worker projects them moments later.',
  })
  @ApiResponse({ status: 201, type: WrittenCustomerDto })
  @ApiResponse({ status: 409, description: 'externalId already taken.' })
  @ApiResponse({ status: 422, description: 'Invalid fields, or accountManagerId is not an assignable account manager.' })
  register(@ValidBody(RegisterCustomerBody) body: RegisterCustomerDto, @CurrentUser() user: AuthUser, @Req() req: Request): Promise<WrittenCustomerDto> {
    return this.commands.execute(new RegisterCustomerCommand(body, user, correlationIdOf(req)));
  }
}
