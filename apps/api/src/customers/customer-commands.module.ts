import { Module } from '@nestjs/common';
import { ChangeCustomerController } from './change-customer/change-customer.controller.js';
import { ChangeCustomerHandler } from './change-customer/change-customer.handler.js';
import { RecordOutcomeController } from './record-outcome/record-outcome.controller.js';
import { RecordOutcomeHandler } from './record-outcome/record-outcome.handler.js';
import { RecordPulseController } from './record-pulse/record-pulse.controller.js';
import { RecordPulseHandler } from './record-pulse/record-pulse.handler.js';
import { RegisterCustomerController } from './register-customer/register-customer.controller.js';
import { RegisterCustomerHandler } from './register-customer/register-customer.handler.js';

/** The write side of customers: register, change, record outcomes and pulses (through the CommandBus). */
@Module({
  controllers: [RegisterCustomerController, ChangeCustomerController, RecordOutcomeController, RecordPulseController],
  providers: [RegisterCustomerHandler, ChangeCustomerHandler, RecordOutcomeHandler, RecordPulseHandler],
})
export class CustomerCommandsModule {}
