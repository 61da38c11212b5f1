import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EventStore, notifyAppended } from '../../../../../libs/event-store/src/index.js';
import { customerStream, decideCustomer, type CustomerEvent } from '../../../../../libs/relationship/src/index.js';
import { Clock, IdGenerator, metrics } from '../../../../../libs/shared/src/index.js';
import {
  assertAssignable,
  externalIdTaken,
  isExternalIdConflict,
  loadCustomer,
  loadCustomerForUpdate,
  retryOnConcurrency,
  stateOf,
  toWrittenCustomer,
  type WrittenCustomerDto,
} from '../register-customer/customer-registry.js';
import { toDate } from '../register-customer/register-customer.dto.js';
import { ChangeCustomerCommand } from './change-customer.command.js';

@CommandHandler(ChangeCustomerCommand)
export class ChangeCustomerHandler implements ICommandHandler<ChangeCustomerCommand, WrittenCustomerDto> {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute({ customerId, body, user, correlationId }: ChangeCustomerCommand): Promise<WrittenCustomerDto> {
    let appended: CustomerEvent[] = [];
    try {
      const row = await retryOnConcurrency(() =>
        this.ds.transaction(async (tx) => {
          const current = await loadCustomerForUpdate(tx, user, customerId);
          if (body.accountManagerId !== undefined && body.accountManagerId !== current.account_manager_id) await assertAssignable(tx, user, body.accountManagerId);
          const events = decideCustomer(
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
            stateOf(current),
            { now: this.clock.now() },
          );
          appended = events;
          if (events.length === 0) return current;
          // Touchpoints append to the same stream without this lock: expect the version read now.
          const version = await this.store.streamVersion(customerStream(current.id), tx);
          const now = this.clock.now().toISOString();
          const result = await this.store.append(
            customerStream(current.id),
            events.map((e) => ({ id: this.ids.next(), type: e.type, data: e.data, metadata: { correlationId, causationId: correlationId, actorId: user.id, occurredAt: now } })),
            version,
            tx,
          );
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
        }),
      );
      if (appended.length > 0) notifyAppended(this.store);
      for (const e of appended) metrics.eventsAppended.inc({ type: e.type });
      return toWrittenCustomer(row);
    } catch (err) {
      if (isExternalIdConflict(err)) throw externalIdTaken();
      throw err;
    }
  }
}
