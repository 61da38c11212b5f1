import { z } from 'zod';
import { amount, apiSchema, renewalDate, text, uuid } from '../../../../../libs/shared/src/index.js';

export const RegisterCustomerBody = apiSchema(
  'RegisterCustomer',
  z.strictObject({
    externalId: text(200, 1).meta({ description: 'The id in the CRM; unique (409 when taken).' }),
    name: text(200, 1),
    segment: text(100, 1).nullish(),
    accountManagerId: uuid()
      .meta({ description: 'An active account manager or team lead. Team leads assign within their team; account managers create customers assigned to themselves (the default for them).' })
      .nullish(),
    renewalDate: renewalDate().nullish(),
    annualValue: amount().nullish(),
  }),
);
export type RegisterCustomerDto = z.output<typeof RegisterCustomerBody>;

/** PATCH: every field optional; segment, accountManagerId, renewalDate and annualValue may be null to clear. */
export const ChangeCustomerBody = apiSchema(
  'ChangeCustomer',
  z.strictObject({
    externalId: text(200, 1).optional(),
    name: text(200, 1).optional(),
    segment: text(100, 1).nullish(),
    accountManagerId: uuid().meta({ description: 'null unassigns (admin only in practice: scoped callers would lose the customer).' }).nullish(),
    renewalDate: renewalDate().nullish(),
    annualValue: amount().nullish(),
  }),
);
export type ChangeCustomerDto = z.output<typeof ChangeCustomerBody>;

/** Renewal dates are calendar dates: keep the date part of whatever ISO value came in. */
export const toDate = (v: string | null | undefined) => (v === undefined || v === null ? v : v.slice(0, 10));
