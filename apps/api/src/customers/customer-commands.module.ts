import { Module } from '@nestjs/common';
import { ChangeCustomerController } from './change-customer/change-customer.controller.js';
import { ChangeCustomerHandler } from './change-customer/change-customer.handler.js';
import { RecordOutcomeController } from './record-outcome/record-outcome.controller.js';
import { RecordOutcomeHandler } from './record-outcome/record-outcome.handler.js';
import { RegisterCustomerController } from './register-customer/register-customer.controller.js';
import { RegisterCustomerHandler } from './register-customer/register-customer.handler.js';

/** The write side of customers: register, change, record outcomes (through the CommandBus). */
@Module({
  controllers: [RegisterCustomerController, ChangeCustomerController, RecordOutcomeController],
  providers: [RegisterCustomerHandler, ChangeCustomerHandler, RecordOutcomeHandler],
})
export class CustomerCommandsModule {}
