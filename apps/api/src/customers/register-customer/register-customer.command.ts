import { Command } from '@nestjs/cqrs';
import type { AuthUser } from '../../../../../libs/shared/src/index.js';
import type { WrittenCustomerDto } from './customer-registry.js';
import type { RegisterCustomerDto } from './register-customer.dto.js';

export class RegisterCustomerCommand extends Command<WrittenCustomerDto> {
  constructor(
    readonly body: RegisterCustomerDto,
    readonly user: AuthUser,
    readonly correlationId: string,
  ) {
    super();
  }
}
