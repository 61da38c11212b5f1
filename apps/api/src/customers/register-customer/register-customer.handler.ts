import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '../../../../../libs/event-store/src/index.js';
import { customerStream, initialCustomerState, ownerOfNewCustomer } from '../../../../../libs/relationship/src/index.js';
import { IdGenerator } from '../../../../../libs/shared/src/index.js';
import { assertAssignable, customerDecider, externalIdTaken, isExternalIdConflict, loadCustomer, toWrittenCustomer, type WrittenCustomerDto } from './customer-registry.js';
import { RegisterCustomerCommand } from './register-customer.command.js';
import { toDate } from './register-customer.dto.js';

@CommandHandler(RegisterCustomerCommand)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomerCommand, WrittenCustomerDto> {
  constructor(
    private readonly store: EventStore,
    private readonly ids: IdGenerator,
  ) {}

  async execute({ body, user, correlationId }: RegisterCustomerCommand): Promise<WrittenCustomerDto> {
    const accountManagerId = ownerOfNewCustomer(user, body.accountManagerId);
    const customerId = this.ids.next();
    try {
      const row = await this.store.transaction(async (tx) => {
        await assertAssignable(tx, user, accountManagerId);
        const handled = await this.store.handle(
          customerStream(customerId),
          customerDecider(initialCustomerState()),
          {
            type: 'RegisterCustomer',
            data: {
              customerId,
              externalId: body.externalId,
              name: body.name,
              segment: body.segment ?? null,
              accountManagerId,
              renewalDate: toDate(body.renewalDate) ?? null,
              annualValue: body.annualValue ?? null,
              createdVia: 'api',
            },
          },
          { correlationId, actorId: user.id, tx, expectedVersion: 'no_stream' },
        );
        const d = handled.events[0].data as { segment: string | null; renewalDate: string | null; annualValue: number | null };
        // external_id is unique: a taken one stops here (409) and the event rolls back with it.
        const inserted = await tx.query(
          `INSERT INTO customers (id, external_id, name, segment, account_manager_id, renewal_date, annual_value, created_via, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'api', 1) ON CONFLICT (external_id) DO NOTHING RETURNING id`,
          [customerId, body.externalId, body.name, d.segment, accountManagerId, d.renewalDate, d.annualValue],
        );
        if (inserted.length === 0) throw externalIdTaken();
        return loadCustomer(tx, customerId);
      });
      return toWrittenCustomer(row);
    } catch (err) {
      if (isExternalIdConflict(err)) throw externalIdTaken();
      throw err;
    }
  }
}
