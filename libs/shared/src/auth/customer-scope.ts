import type { AuthUser } from './auth.types.js';
import { ProblemException } from '../http/problem.js';

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/**
 * Object-level authorization lives in the queries: `scopeCondition` gives a SQL condition on a
 * customers row (alias `c`) that keeps only the customers the caller may see.
 * admin: all; team_lead: customers of the account managers in their team (and their own);
 * account_manager: customers assigned to them; ops and anyone else: none.
 */
export function scopeCondition(user: AuthUser, params: unknown[], alias = 'c'): string {
  switch (user.role) {
    case 'admin':
      return 'TRUE';
    case 'team_lead':
      params.push(user.id);
      return `(${alias}.account_manager_id = $${params.length} OR ${alias}.account_manager_id IN (SELECT u.id FROM users u WHERE u.team_lead_id = $${params.length}))`;
    case 'account_manager':
      params.push(user.id);
      return `${alias}.account_manager_id = $${params.length}`;
    default:
      return 'FALSE';
  }
}

/** Throws 404 (never 403) unless the caller may see the customer. */
export async function assertCustomerInScope(db: Queryable, user: AuthUser, customerId: string): Promise<void> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(customerId)) throw customerNotFound();
  const params: unknown[] = [customerId];
  const rows = await db.query(`SELECT 1 FROM customers c WHERE c.id = $1 AND ${scopeCondition(user, params)}`, params);
  if (rows.length === 0) throw customerNotFound();
}

export const customerNotFound = () => ProblemException.notFound('No customer with that id.');
