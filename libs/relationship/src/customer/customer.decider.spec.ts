import { DomainError, DomainErrorCode } from '../errors.js';
import type { CustomerEvent } from '../events.js';
import type { Touchpoint } from '../touchpoint.js';
import { decideCustomer, foldCustomerState, type CustomerCommand } from './customer.decider.js';

const now = new Date('2026-11-27T12:00:00Z');
const C = '00000000-0000-4000-8000-000000000001';
const AM1 = '00000000-0000-4000-8000-0000000000a1';
const AM2 = '00000000-0000-4000-8000-0000000000a2';

const registered: CustomerEvent = {
  type: 'CustomerRegistered',
  data: { customerId: C, externalId: 'ext-1', name: 'Acme', segment: 'smb', accountManagerId: AM1, renewalDate: null, annualValue: 1000, createdVia: 'api' },
};

/** given events, when command, then events (or an error code). */
function given(events: CustomerEvent[]) {
  return {
    when: (command: CustomerCommand) => ({
      then: (expected: CustomerEvent[]) => expect(decideCustomer(command, foldCustomerState(events), { now })).toEqual(expected),
      thenFails: (code: DomainErrorCode) => {
        try {
          decideCustomer(command, foldCustomerState(events), { now });
          throw new Error('expected a DomainError');
        } catch (err) {
          expect(err).toBeInstanceOf(DomainError);
          expect((err as DomainError).code).toBe(code);
        }
      },
    }),
  };
}

const touchpoint = (occurredAt: string): Touchpoint => ({
  id: '00000000-0000-4000-8000-0000000000f1',
  customerId: C,
  channel: 'phone',
  direction: 'inbound',
  initiatedBy: 'customer',
  handledBy: 'human',
  occurredAt,
});

describe('customer decider', () => {
  it('registers a new customer', () => {
    given([])
      .when({ type: 'RegisterCustomer', data: { customerId: C, externalId: 'ext-1', name: 'Acme', segment: 'smb', accountManagerId: AM1, annualValue: 1000, createdVia: 'api' } })
      .then([registered]);
  });

  it('refuses to register the same customer twice', () => {
    given([registered])
      .when({ type: 'RegisterCustomer', data: { customerId: C, externalId: 'ext-1', name: 'Acme', createdVia: 'api' } })
      .thenFails(DomainErrorCode.CustomerAlreadyExists);
  });

  it('records only the details that changed, and a reassignment as its own fact', () => {
    given([registered])
      .when({ type: 'ChangeCustomer', data: { customerId: C, changes: { name: 'Acme AS', segment: 'smb', accountManagerId: AM2 } } })
      .then([
        { type: 'CustomerDetailsChanged', data: { customerId: C, changes: { name: 'Acme AS' } } },
        { type: 'AccountManagerAssigned', data: { customerId: C, accountManagerId: AM2, previousAccountManagerId: AM1 } },
      ]);
  });

  it('records nothing when nothing changed', () => {
    given([registered]).when({ type: 'ChangeCustomer', data: { customerId: C, changes: { name: 'Acme', accountManagerId: AM1 } } }).then([]);
  });

  it('unassigns with null', () => {
    given([registered])
      .when({ type: 'ChangeCustomer', data: { customerId: C, changes: { accountManagerId: null } } })
      .then([{ type: 'AccountManagerAssigned', data: { customerId: C, accountManagerId: null, previousAccountManagerId: AM1 } }]);
  });

  it('refuses changes to a customer that does not exist', () => {
    given([]).when({ type: 'ChangeCustomer', data: { customerId: C, changes: { name: 'x' } } }).thenFails(DomainErrorCode.CustomerNotFound);
  });

  it('records a touchpoint of an existing customer', () => {
    const tp = touchpoint('2026-11-27T11:00:00Z');
    given([registered]).when({ type: 'RecordTouchpoint', data: { touchpoint: tp } }).then([{ type: 'TouchpointRecorded', data: tp }]);
  });

  it('refuses a touchpoint further than 5 minutes in the future', () => {
    given([registered]).when({ type: 'RecordTouchpoint', data: { touchpoint: touchpoint('2026-11-27T12:06:00Z') } }).thenFails(DomainErrorCode.InvalidOutcome);
  });

  it('records an outcome', () => {
    const data = { customerId: C, outcomeId: '00000000-0000-4000-8000-0000000000b1', outcome: 'renewed' as const, occurredAt: '2026-11-01T00:00:00Z' };
    given([registered]).when({ type: 'RecordOutcome', data }).then([{ type: 'OutcomeRecorded', data }]);
  });

  it('refuses an outcome in the future or of an unknown type', () => {
    const base = { customerId: C, outcomeId: '00000000-0000-4000-8000-0000000000b1' };
    given([registered]).when({ type: 'RecordOutcome', data: { ...base, outcome: 'renewed', occurredAt: '2026-12-27T00:00:00Z' } }).thenFails(DomainErrorCode.InvalidOutcome);
    given([registered]).when({ type: 'RecordOutcome', data: { ...base, outcome: 'won' as never, occurredAt: '2026-11-01T00:00:00Z' } }).thenFails(DomainErrorCode.InvalidOutcome);
  });

  it('evolves details and assignment', () => {
    const state = foldCustomerState([
      registered,
      { type: 'CustomerDetailsChanged', data: { customerId: C, changes: { segment: null, externalId: 'ext-2' } } },
      { type: 'AccountManagerAssigned', data: { customerId: C, accountManagerId: AM2, previousAccountManagerId: AM1 } },
    ]);
    expect(state).toMatchObject({ exists: true, externalId: 'ext-2', segment: null, name: 'Acme', accountManagerId: AM2 });
  });
});
