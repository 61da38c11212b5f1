import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '../../../../../libs/event-store/src/index.js';
import { customerStream } from '../../../../../libs/relationship/src/index.js';
import { Clock, IdGenerator } from '../../../../../libs/shared/src/index.js';
import { customerDecider, loadCustomerForUpdate, stateOf } from '../register-customer/customer-registry.js';
import { RecordPulseCommand } from './record-pulse.command.js';
import type { PulseRecordedDto } from './record-pulse.dto.js';

@CommandHandler(RecordPulseCommand)
export class RecordPulseHandler implements ICommandHandler<RecordPulseCommand, PulseRecordedDto> {
  constructor(
    private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(IdGenerator) private readonly ids: IdGenerator,
  ) {}

  async execute({ customerId, body, user, correlationId }: RecordPulseCommand): Promise<PulseRecordedDto> {
    // A pulse is the judgement now: its business time is when it was given.
    const occurredAt = this.clock.now().toISOString();
    const pulseId = this.ids.next();
    const note = body.note ?? null;
    const result = await this.store.transaction(async (tx) => {
      // Scoped like every customer write: an account manager reaches only their own customers.
      const current = await loadCustomerForUpdate(tx, user, customerId);
      const handled = await this.store.handle(
        customerStream(current.id),
        customerDecider(stateOf(current), occurredAt),
        { type: 'RecordPulse', data: { customerId: current.id, pulseId, score: body.score, note, recordedBy: user.id, occurredAt } },
        { correlationId, actorId: user.id, tx },
      );
      return { customerId: current.id, handled };
    });
    const [event] = result.handled.events;
    return { pulseId, eventId: event.id, position: event.globalPosition, customerId: result.customerId, score: body.score, note, occurredAt };
  }
}
