import { z } from 'zod';
import { queryInt, text, uuid } from '../../../../../libs/shared/src/index.js';

export const ListCustomersQuery = z.strictObject({
  band: z.enum(['green', 'yellow', 'red']).optional(),
  sort: z.enum(['risk', 'health', 'name']).optional().meta({ description: 'Default risk. risk: highest churn probability first; health: lowest score first (in both, customers who have left — churnedAt set — come after all others); name: A–Z.' }),
  limit: queryInt(1, 200).optional().meta({ description: 'Default 50.' }),
  cursor: text(500).optional().meta({ description: 'The nextCursor of the previous page (opaque).' }),
  externalId: text(200, 1).optional().meta({ description: 'Exactly this external id (the id in the CRM). Outside your reach: an empty list.' }),
  q: text(200, 1)
    .optional()
    .meta({
      example: 'bjorn',
      description: 'Name search: the customers whose name contains this, ignoring case and accents (é = e, å = a, ø = o, æ = ae, aa = a, so “bjorn haland” finds “Bjørn Håland” and “Haaland”).',
    }),
  accountManagerId: uuid()
    .optional()
    .meta({ description: 'Only the customers assigned to this user. Like every filter it narrows your reach, never widens it: for someone outside it (another team, another account manager) the list is empty.' }),
});
export type ListCustomersQueryDto = z.output<typeof ListCustomersQuery>;
