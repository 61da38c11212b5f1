import { ApiProperty } from '@nestjs/swagger';
import type { DecidedEvent, Decider, Queryable } from '../../../../../libs/event-store/src/index.js';
import { assertMayAssign, decideCustomer, DomainError, DomainErrorCode, type CustomerCommand, type CustomerState } from '../../../../../libs/relationship/src/index.js';
import { customerNotFound, scopeCondition, type AuthUser } from '../../../../../libs/shared/src/index.js';

/**
 * The `customers` registry row is the write side's snapshot of a customer: existence, external id
 * (unique), assignment (what scoping reads). It changes in the same transaction as the events.
 */
export interface CustomerRow {
  id: string;
  external_id: string;
  name: string;
  segment: string | null;
  account_manager_id: string | null;
  renewal_date: string | null;
  annual_value: string | number | null;
  created_via: string;
  version: number;
}

const COLUMNS = `c.id, c.external_id, c.name, c.segment, c.account_manager_id, c.renewal_date::text AS renewal_date, c.annual_value, c.created_via, c.version`;

/** Locks the row (commands on one customer run one at a time); 404 when missing or out of reach. */
export async function loadCustomerForUpdate(tx: Queryable, user: AuthUser, id: string): Promise<CustomerRow> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw customerNotFound();
  const params: unknown[] = [id];
  const rows: CustomerRow[] = await tx.query(`SELECT ${COLUMNS} FROM customers c WHERE c.id = $1 AND ${scopeCondition(user, params)} FOR UPDATE`, params);
  if (rows.length === 0) throw customerNotFound();
  return rows[0];
}

export async function loadCustomer(tx: Queryable, id: string): Promise<CustomerRow> {
  const rows: CustomerRow[] = await tx.query(`SELECT ${COLUMNS} FROM customers c WHERE c.id = $1`, [id]);
  return rows[0];
}

export function stateOf(row: CustomerRow): CustomerState {
  return {
    exists: true,
    customerId: row.id,
    externalId: row.external_id,
    name: row.name,
    segment: row.segment,
    accountManagerId: row.account_manager_id,
    renewalDate: row.renewal_date,
    annualValue: row.annual_value === null ? null : Number(row.annual_value),
  };
}

/** Who may own a customer (the domain's assignment policy) against the target user as stored now. */
export async function assertAssignable(tx: Queryable, user: AuthUser, accountManagerId: string | null | undefined): Promise<void> {
  if (accountManagerId === undefined) return;
  const rows: { id: string; role: string; team_lead_id: string | null; active: boolean }[] =
    accountManagerId === null ? [] : await tx.query(`SELECT id, role, team_lead_id, disabled_at IS NULL AS active FROM users WHERE id = $1`, [accountManagerId]);
  const candidate = rows[0] ? { id: rows[0].id, role: rows[0].role, teamLeadId: rows[0].team_lead_id, active: rows[0].active } : null;
  assertMayAssign(user, accountManagerId, candidate);
}

export function isExternalIdConflict(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return (e?.code ?? e?.driverError?.code) === '23505' && (e?.constraint ?? e?.driverError?.constraint) === 'customers_external_id_key';
}

export const externalIdTaken = () => new DomainError(DomainErrorCode.ExternalIdTaken, 'Another customer has that externalId.');

/**
 * The customer decider over the registry row's state (read under the row's lock): the seam
 * decides with its clock's `now`, and each event's business time is that `now` unless the
 * command carries its own (an outcome's `occurredAt`).
 */
export function customerDecider(state: CustomerState, occurredAt?: string, id?: string): Decider<CustomerCommand> {
  return {
    decide: (command, _state, { now }): DecidedEvent[] =>
      decideCustomer(command, state, { now }).map((e) => ({ id, type: e.type, data: e.data, occurredAt: occurredAt ?? now.toISOString() })),
  };
}

export class CustomerHealthDto {
  @ApiProperty({ nullable: true }) score: number | null;
  @ApiProperty({ nullable: true, enum: ['green', 'yellow', 'red'] }) band: string | null;
  @ApiProperty({ nullable: true }) trend30d: number | null;
}

/**
 * The contract's customer item as known at write time. Health and churn risk are computed by
 * the worker from the log, so they are null here until projected (read them with GET /customers/:id).
 */
export class WrittenCustomerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() externalId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true }) segment: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) accountManagerId: string | null;
  @ApiProperty({ nullable: true, format: 'date' }) renewalDate: string | null;
  @ApiProperty({ nullable: true }) annualValue: number | null;
  @ApiProperty({ nullable: true, description: 'null until the worker has projected the customer' }) health: CustomerHealthDto | null;
  @ApiProperty({ nullable: true, description: 'null until the worker has projected the customer' }) churnRisk: { probability: number; level: string } | null;
  @ApiProperty({ nullable: true, format: 'date-time' }) lastRelationalContactAt: string | null;
  @ApiProperty() openFollowUps: number;
  @ApiProperty({ description: 'Version of the customer stream after this write.' }) version: number;
}

export function toWrittenCustomer(row: CustomerRow): WrittenCustomerDto {
  return {
    id: row.id,
    externalId: row.external_id,
    name: row.name,
    segment: row.segment,
    accountManagerId: row.account_manager_id,
    renewalDate: row.renewal_date,
    annualValue: row.annual_value === null ? null : Number(row.annual_value),
    health: null,
    churnRisk: null,
    lastRelationalContactAt: null,
    openFollowUps: 0,
    version: Number(row.version),
  };
}
