import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '../../../../../libs/event-store/src/index.js';
import { customerStream, type CustomerEvent } from '../../../../../libs/relationship/src/index.js';
import {
  assertAssignable,
  customerDecider,
  externalIdTaken,
  isExternalIdConflict,
  loadCustomer,
  loadCustomerForUpdate,
  stateOf,
  toWrittenCustomer,
  type WrittenCustomerDto,
} from '../register-customer/customer-registry.js';
import { toDate } from '../register-customer/register-customer.dto.js';
import { ChangeCustomerCommand } from './change-customer.command.js';

@CommandHandler(ChangeCustomerCommand)
export class ChangeCustomerHandler implements ICommandHandler<ChangeCustomerCommand, WrittenCustomerDto> {
  constructor(private readonly store: EventStore) {}

  async execute({ customerId, body, user, correlationId }: ChangeCustomerCommand): Promise<WrittenCustomerDto> {
    try {
      // A concurrent touchpoint moving the stream runs the whole transaction again.
      const row = await this.store.transaction(async (tx) => {
          const current = await loadCustomerForUpdate(tx, user, customerId);
          if (body.accountManagerId !== undefined && body.accountManagerId !== current.account_manager_id) await assertAssignable(tx, user, body.accountManagerId);
          // Touchpoints append to the same stream without this lock: expect the version read now.
          const stream = customerStream(current.id);
          const version = await this.store.streamVersion(stream, tx);
          const result = await this.store.handle(
            stream,
            customerDecider(stateOf(current)),
            {
              type: 'ChangeCustomer',
              data: {
                customerId: current.id,
                changes: {
                  externalId: body.externalId,
                  name: body.name,
                  segment: body.segment,
                  renewalDate: toDate(body.renewalDate),
                  annualValue: body.annualValue,
                  accountManagerId: body.accountManagerId,
                },
              },
            },
            { correlationId, actorId: user.id, tx, expectedVersion: version },
          );
          const events = result.events as unknown as CustomerEvent[];
          if (events.length === 0) return current;
          const sets: string[] = [];
          const params: unknown[] = [current.id, result.nextVersion];
          const set = (column: string, value: unknown) => {
            params.push(value);
            sets.push(`${column} = $${params.length}`);
          };
          for (const e of events) {
            if (e.type === 'CustomerDetailsChanged') {
              const c = e.data.changes;
              if (c.externalId !== undefined) set('external_id', c.externalId);
              if (c.name !== undefined) set('name', c.name);
              if (c.segment !== undefined) set('segment', c.segment);
              if (c.renewalDate !== undefined) set('renewal_date', c.renewalDate);
              if (c.annualValue !== undefined) set('annual_value', c.annualValue);
            }
            if (e.type === 'AccountManagerAssigned') set('account_manager_id', e.data.accountManagerId);
          }
          await tx.query(`UPDATE customers SET ${[...sets, 'version = $2', 'updated_at = now()'].join(', ')} WHERE id = $1`, params);
          return loadCustomer(tx, current.id);
      });
      return toWrittenCustomer(row);
    } catch (err) {
      if (isExternalIdConflict(err)) throw externalIdTaken();
      throw err;
    }
  }
}
