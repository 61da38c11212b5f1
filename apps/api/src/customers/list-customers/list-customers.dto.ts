import { z } from 'zod';
import { queryInt, text } from '../../../../../libs/shared/src/index.js';

export const ListCustomersQuery = z.strictObject({
  band: z.enum(['green', 'yellow', 'red']).optional(),
  sort: z.enum(['risk', 'health', 'name']).optional().meta({ description: 'Default risk. risk: highest churn probability first; health: lowest score first; name: A–Z.' }),
  limit: queryInt(1, 200).optional().meta({ description: 'Default 50.' }),
  cursor: text(500).optional().meta({ description: 'The nextCursor of the previous page (opaque).' }),
});
export type ListCustomersQueryDto = z.output<typeof ListCustomersQuery>;
