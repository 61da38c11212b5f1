import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CUSTOMER_ROLES, CurrentUser, INT4_MAX, ProblemException, Roles, ValidQuery, scopeCondition, unstorable, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { CustomerListDto, ITEM_COLUMNS, toItem } from './customer-item.dto.js';
import { ListCustomersQuery, type ListCustomersQueryDto } from './list-customers.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Keyset order per sort: the key column, its direction, and how it appears in the cursor (a
// value its column can hold: a cursor is client input like any other). Risk and health order by
// `risk_order` / `health_order`: the churn probability / score, with customers who have left
// after all live ones (migration 1766500000000).
const SORTS = {
  risk: { key: 'h.risk_order', dir: 'DESC', ok: (v: unknown) => typeof v === 'number' && Number.isFinite(v) },
  health: { key: 'h.health_order', dir: 'ASC', ok: (v: unknown) => Number.isInteger(v) && Math.abs(v as number) <= INT4_MAX },
  name: { key: 'h.name', dir: 'ASC', ok: (v: unknown) => typeof v === 'string' && unstorable(v) === undefined },
} as const;

@ApiTags('customers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('customers')
export class ListCustomersController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get()
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({
    summary: 'The portfolio: customers in reach with health and churn risk; filtered by band, external id, name or account manager; sorted, keyset-paginated',
    description: 'Every filter is applied inside the caller’s reach (admin: all; team lead: their team; account manager: their own). A filter that names something outside it answers an empty list, never a 403 or 404, so a filter reveals nothing about customers or users you cannot see.',
  })
  @ApiOkResponse({ type: CustomerListDto })
  @ApiUnprocessableEntityResponse({ description: 'Bad band, sort, limit, cursor, externalId, q or accountManagerId.' })
  async list(@ValidQuery(ListCustomersQuery) q: ListCustomersQueryDto, @CurrentUser() user: AuthUser): Promise<CustomerListDto> {
    const sort = SORTS[q.sort ?? 'risk'];
    const limit = q.limit ?? 50;
    const params: unknown[] = [];
    const where = [scopeCondition(user, params, 'c')];
    if (q.band) {
      params.push(q.band);
      where.push(`h.band = $${params.length}`);
    }
    // Filters only narrow the scope condition above: nothing outside reach can match one.
    if (q.externalId !== undefined) {
      params.push(q.externalId);
      where.push(`c.external_id = $${params.length}`);
    }
    if (q.accountManagerId !== undefined) {
      params.push(q.accountManagerId);
      where.push(`c.account_manager_id = $${params.length}::uuid`);
    }
    if (q.q !== undefined) {
      // One fold for the column and the search (migration 1765500000001), so the trigram index applies.
      params.push(q.q.replace(/[\\%_]/g, '\\$&'));
      where.push(`closeness_search_fold(c.name) LIKE '%' || closeness_search_fold($${params.length}) || '%'`);
    }
    if (q.cursor) {
      const [value, id] = decodeCursor(q.cursor);
      if (!sort.ok(value) || typeof id !== 'string' || !UUID.test(id)) {
        throw ProblemException.validation([{ path: 'cursor', message: 'cursor does not belong to this sort order' }]);
      }
      params.push(value, id);
      const v = `$${params.length - 1}`;
      const i = `$${params.length}::uuid`;
      where.push(sort.dir === 'DESC' ? `(${sort.key} < ${v} OR (${sort.key} = ${v} AND h.customer_id > ${i}))` : `(${sort.key}, h.customer_id) > (${v}, ${i})`);
    }
    params.push(limit + 1);
    const rows = await this.db.query(
      `SELECT ${ITEM_COLUMNS}, ${sort.key} AS sort_key
       FROM customer_health h JOIN customers c ON c.id = h.customer_id
       WHERE ${where.join(' AND ')}
       ORDER BY ${sort.key} ${sort.dir}, h.customer_id ASC
       LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const sortValue = last ? (q.sort === 'name' ? last.sort_key : Number(last.sort_key)) : null;
    return { items: page.map(toItem), nextCursor: rows.length > limit ? encodeCursor([sortValue, last.id]) : null };
  }
}
