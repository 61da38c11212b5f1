import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CUSTOMER_ROLES, CurrentUser, Roles, customerNotFound, scopeCondition, type AuthUser } from '../../../../../libs/shared/src/index.js';
import { CustomerDetailDto, ITEM_COLUMNS, toItem } from '../list-customers/customer-item.dto.js';

@ApiTags('customers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('customers')
export class GetCustomerController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get(':id')
  @Roles(...CUSTOMER_ROLES)
  @ApiOperation({ summary: 'One customer: portfolio item plus the health drivers, the churn drivers (with the event ids behind each) and the notes on what they leave out' })
  @ApiOkResponse({ type: CustomerDetailDto })
  @ApiNotFoundResponse({ description: 'No such customer, or outside your reach.' })
  async get(@Param('id') id: string, @CurrentUser() user: AuthUser): Promise<CustomerDetailDto> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw customerNotFound();
    const params: unknown[] = [id];
    // Scope in the same query: outside it, or registered but not yet projected, is a 404.
    const rows = await this.db.query(
      `SELECT ${ITEM_COLUMNS}, h.churn_drivers, h.notes, h.evaluated_at FROM customers c JOIN customer_health h ON h.customer_id = c.id WHERE c.id = $1 AND ${scopeCondition(user, params, 'c')}`,
      params,
    );
    if (rows.length === 0) throw customerNotFound();
    const r = rows[0];
    const item = toItem(r);
    return {
      ...item,
      drivers: r.drivers ?? [],
      churnRisk: { ...item.churnRisk, drivers: r.churn_drivers ?? [] },
      notes: r.notes ?? [],
      healthEvaluatedAt: r.evaluated_at == null ? null : new Date(r.evaluated_at).toISOString(),
    };
  }
}
