import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '../../../../../libs/event-store/src/index.js';
import { customerStream } from '../../../../../libs/relationship/src/index.js';
import { deterministicId } from '../../../../../libs/shared/src/index.js';
import { customerDecider, loadCustomerForUpdate, stateOf } from '../register-customer/customer-registry.js';
import { RecordOutcomeCommand } from './record-outcome.command.js';
import type { OutcomeRecordedDto } from './record-outcome.dto.js';

@CommandHandler(RecordOutcomeCommand)
export class RecordOutcomeHandler implements ICommandHandler<RecordOutcomeCommand, OutcomeRecordedDto> {
  constructor(private readonly store: EventStore) {}

  async execute({ customerId, body, user, correlationId }: RecordOutcomeCommand): Promise<OutcomeRecordedDto> {
    const occurredAt = new Date(body.occurredAt).toISOString();
    const result = await this.store.transaction(async (tx) => {
      const current = await loadCustomerForUpdate(tx, user, customerId);
      // The same outcome reported twice (a retried request) is one fact: its id derives from its content.
      const outcomeId = deterministicId('outcome', current.id, body.type, occurredAt);
      const handled = await this.store.handle(
        customerStream(current.id),
        customerDecider(stateOf(current), occurredAt, outcomeId),
        { type: 'RecordOutcome', data: { customerId: current.id, outcomeId, outcome: body.type, occurredAt } },
        { correlationId, actorId: user.id, tx },
      );
      return { outcomeId, customerId: current.id, handled };
    });
    const [event] = result.handled.events;
    return {
      outcomeId: result.outcomeId,
      eventId: event.id,
      position: event.globalPosition,
      customerId: result.customerId,
      type: body.type,
      occurredAt,
      duplicate: event.duplicate,
    };
  }
}
