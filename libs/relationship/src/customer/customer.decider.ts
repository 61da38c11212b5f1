import { DomainError, DomainErrorCode } from '../errors.js';
import type { AccountManagerAssigned, AccountManagerPulseRecorded, CustomerDetailsChanged, CustomerEvent, CustomerRegistered, OutcomeRecorded, OutcomeType, TouchpointRecorded } from '../events.js';
import type { Touchpoint } from '../touchpoint.js';

/** What the customer decider needs to know; rebuilt by `evolveCustomer` or loaded from the registry row. */
export interface CustomerState {
  exists: boolean;
  customerId: string | null;
  externalId: string | null;
  name: string | null;
  segment: string | null;
  accountManagerId: string | null;
  renewalDate: string | null;
  annualValue: number | null;
}

export const initialCustomerState = (): CustomerState => ({
  exists: false,
  customerId: null,
  externalId: null,
  name: null,
  segment: null,
  accountManagerId: null,
  renewalDate: null,
  annualValue: null,
});

export interface CustomerDetailsInput {
  externalId?: string;
  name?: string;
  segment?: string | null;
  renewalDate?: string | null;
  annualValue?: number | null;
}

export type CustomerCommand =
  | {
      type: 'RegisterCustomer';
      data: CustomerDetailsInput & { customerId: string; externalId: string; name: string; accountManagerId?: string | null; createdVia: 'api' | 'touchpoint' };
    }
  | { type: 'ChangeCustomer'; data: { customerId: string; changes: CustomerDetailsInput & { accountManagerId?: string | null } } }
  | { type: 'RecordTouchpoint'; data: { touchpoint: Touchpoint } }
  | { type: 'RecordOutcome'; data: { customerId: string; outcomeId: string; outcome: OutcomeType; occurredAt: string } }
  | { type: 'RecordPulse'; data: { customerId: string; pulseId: string; score: number; note: string | null; recordedBy: string; occurredAt: string } };

/** Time comes in from outside: the decider never reads a clock. */
export interface CustomerDecideContext {
  now: Date;
}

export const OUTCOME_TYPES: readonly OutcomeType[] = ['renewed', 'churned', 'expanded', 'downgraded'];

/** Facts may be reported a little ahead of our clock (clock skew), never further. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** Pure: the events a command produces against the current state, or a DomainError. */
export function decideCustomer(command: CustomerCommand, state: CustomerState, ctx: CustomerDecideContext): CustomerEvent[] {
  switch (command.type) {
    case 'RegisterCustomer': {
      if (state.exists) throw new DomainError(DomainErrorCode.CustomerAlreadyExists, 'The customer is already registered.');
      const d = command.data;
      const event: CustomerRegistered = {
        type: 'CustomerRegistered',
        data: {
          customerId: d.customerId,
          externalId: d.externalId,
          name: d.name,
          segment: d.segment ?? null,
          accountManagerId: d.accountManagerId ?? null,
          renewalDate: d.renewalDate ?? null,
          annualValue: d.annualValue ?? null,
          createdVia: d.createdVia,
        },
      };
      return [event];
    }
    case 'ChangeCustomer': {
      assertExists(state);
      const { changes } = command.data;
      const events: CustomerEvent[] = [];
      const changed: CustomerDetailsChanged['data']['changes'] = {};
      if (changes.externalId !== undefined && changes.externalId !== state.externalId) changed.externalId = changes.externalId;
      if (changes.name !== undefined && changes.name !== state.name) changed.name = changes.name;
      if (changes.segment !== undefined && changes.segment !== state.segment) changed.segment = changes.segment;
      if (changes.renewalDate !== undefined && changes.renewalDate !== state.renewalDate) changed.renewalDate = changes.renewalDate;
      if (changes.annualValue !== undefined && changes.annualValue !== state.annualValue) changed.annualValue = changes.annualValue;
      // Nothing changed is not an error: a PATCH repeated by a retrying client stays harmless.
      if (Object.keys(changed).length > 0) {
        events.push({ type: 'CustomerDetailsChanged', data: { customerId: command.data.customerId, changes: changed } });
      }
      if (changes.accountManagerId !== undefined && changes.accountManagerId !== state.accountManagerId) {
        const assigned: AccountManagerAssigned = {
          type: 'AccountManagerAssigned',
          data: { customerId: command.data.customerId, accountManagerId: changes.accountManagerId, previousAccountManagerId: state.accountManagerId },
        };
        events.push(assigned);
      }
      return events;
    }
    case 'RecordTouchpoint': {
      assertExists(state);
      const tp = command.data.touchpoint;
      if (Date.parse(tp.occurredAt) > ctx.now.getTime() + FUTURE_TOLERANCE_MS) {
        throw new DomainError(DomainErrorCode.InvalidOutcome, 'occurredAt is more than 5 minutes in the future.');
      }
      const event: TouchpointRecorded = { type: 'TouchpointRecorded', data: tp };
      return [event];
    }
    case 'RecordOutcome': {
      assertExists(state);
      const d = command.data;
      if (!OUTCOME_TYPES.includes(d.outcome)) throw new DomainError(DomainErrorCode.InvalidOutcome, `Unknown outcome ${String(d.outcome)}.`);
      const at = Date.parse(d.occurredAt);
      if (Number.isNaN(at)) throw new DomainError(DomainErrorCode.InvalidOutcome, 'occurredAt is not a date.');
      if (at > ctx.now.getTime() + FUTURE_TOLERANCE_MS) throw new DomainError(DomainErrorCode.InvalidOutcome, 'An outcome cannot be recorded ahead of time.');
      const event: OutcomeRecorded = { type: 'OutcomeRecorded', data: { customerId: d.customerId, outcomeId: d.outcomeId, outcome: d.outcome, occurredAt: d.occurredAt } };
      return [event];
    }
    case 'RecordPulse': {
      assertExists(state);
      const d = command.data;
      if (!Number.isInteger(d.score) || d.score < 1 || d.score > 5) throw new DomainError(DomainErrorCode.InvalidPulse, 'A pulse is a whole number from 1 to 5.');
      if (Number.isNaN(Date.parse(d.occurredAt))) throw new DomainError(DomainErrorCode.InvalidPulse, 'occurredAt is not a date.');
      const event: AccountManagerPulseRecorded = { type: 'AccountManagerPulseRecorded', data: { customerId: d.customerId, pulseId: d.pulseId, score: d.score, note: d.note, recordedBy: d.recordedBy, occurredAt: d.occurredAt } };
      return [event];
    }
  }
}

function assertExists(state: CustomerState) {
  if (!state.exists) throw new DomainError(DomainErrorCode.CustomerNotFound, 'No customer with that id.');
}

/** Pure: folds one event into the state. Unknown or irrelevant events leave it unchanged. */
export function evolveCustomer(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered': {
      const d = event.data;
      return {
        exists: true,
        customerId: d.customerId,
        externalId: d.externalId,
        name: d.name,
        segment: d.segment ?? null,
        accountManagerId: d.accountManagerId ?? null,
        renewalDate: d.renewalDate ?? null,
        annualValue: d.annualValue ?? null,
      };
    }
    case 'CustomerDetailsChanged': {
      const c = event.data.changes;
      return {
        ...state,
        externalId: c.externalId ?? state.externalId,
        name: c.name ?? state.name,
        segment: c.segment !== undefined ? c.segment : state.segment,
        renewalDate: c.renewalDate !== undefined ? c.renewalDate : state.renewalDate,
        annualValue: c.annualValue !== undefined ? c.annualValue : state.annualValue,
      };
    }
    case 'AccountManagerAssigned':
      return { ...state, accountManagerId: event.data.accountManagerId };
    default:
      return state;
  }
}

export const foldCustomerState = (events: CustomerEvent[], from: CustomerState = initialCustomerState()): CustomerState => events.reduce(evolveCustomer, from);
