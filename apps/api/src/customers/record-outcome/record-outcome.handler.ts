import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EventStore, notifyAppended } from '../../../../../libs/event-store/src/index.js';
import { customerStream, decideCustomer } from '../../../../../libs/relationship/src/index.js';
import { Clock, deterministicId, metrics } from '../../../../../libs/shared/src/index.js';
import { loadCustomerForUpdate, retryOnConcurrency, stateOf } from '../register-customer/customer-registry.js';
import { RecordOutcomeCommand } from './record-outcome.command.js';
import type { OutcomeRecordedDto } from './record-outcome.dto.js';

@CommandHandler(RecordOutcomeCommand)
export class RecordOutcomeHandler implements ICommandHandler<RecordOutcomeCommand, OutcomeRecordedDto> {
  constructor(
    private readonly ds: DataSource,
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute({ customerId, body, user, correlationId }: RecordOutcomeCommand): Promise<OutcomeRecordedDto> {
    const occurredAt = new Date(body.occurredAt).toISOString();
    const result = await retryOnConcurrency(() =>
      this.ds.transaction(async (tx) => {
        const current = await loadCustomerForUpdate(tx, user, customerId);
        // The same outcome reported twice (a retried request) is one fact: its id derives from its content.
        const outcomeId = deterministicId('outcome', current.id, body.type, occurredAt);
        const [event] = decideCustomer(
          { type: 'RecordOutcome', data: { customerId: current.id, outcomeId, outcome: body.type, occurredAt } },
          stateOf(current),
          { now: this.clock.now() },
        );
        const appended = await this.store.append(
          customerStream(current.id),
          [{ id: outcomeId, type: event.type, data: event.data, metadata: { correlationId, causationId: correlationId, actorId: user.id, occurredAt } }],
          'any',
          tx,
        );
        return { outcomeId, customerId: current.id, appended };
      }),
    );
    if (!result.appended.duplicate) {
      notifyAppended(this.store);
      metrics.eventsAppended.inc({ type: 'OutcomeRecorded' });
    }
    return {
      outcomeId: result.outcomeId,
      eventId: result.appended.events[0].id,
      position: result.appended.events[0].globalPosition,
      customerId: result.customerId,
      type: body.type,
      occurredAt,
      duplicate: result.appended.duplicate,
    };
  }
}
