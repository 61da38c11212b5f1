import { Command } from '@nestjs/cqrs';
import type { AuthUser } from '../../../../../libs/shared/src/index.js';
import type { WrittenCustomerDto } from '../register-customer/customer-registry.js';
import type { ChangeCustomerDto } from '../register-customer/register-customer.dto.js';

export class ChangeCustomerCommand extends Command<WrittenCustomerDto> {
  constructor(
    readonly customerId: string,
    readonly body: ChangeCustomerDto,
    readonly user: AuthUser,
    readonly correlationId: string,
  ) {
    super();
  }
}
