import { businessTimeIso, churnedAt, type CustomerFold, type HealthView } from '../../relationship/src/index.js';
import { uuidOrNull } from './stream-ids.js';

export interface HealthRow {
  customer_id: string;
  external_id: string | null;
  name: string;
  segment: string | null;
  account_manager_id: string | null;
  renewal_date: string | null;
  annual_value: number | null;
  score: number;
  band: string;
  trend30d: number;
  churn_probability: number;
  churn_level: string;
  drivers: unknown;
  notes: unknown;
  churn_drivers: unknown;
  last_relational_contact_at: string | null;
  /** When the customer left (their latest outcome is a churn), else null. */
  churned_at: string | null;
  events_considered: number;
  evaluated_at: string;
  stream_version: number;
}

/** Pure: the portfolio row of one customer from its fold and health view. */
export function healthRow(customerId: string, fold: CustomerFold, view: HealthView, streamVersion: number): HealthRow {
  const c = fold.customer;
  return {
    customer_id: customerId,
    external_id: c?.externalId ?? null,
    name: c?.name ?? '',
    segment: c?.segment ?? null,
    account_manager_id: uuidOrNull(c?.accountManagerId),
    // The date as written (no time-zone shift), when it is one the date column holds.
    renewal_date: typeof c?.renewalDate === 'string' && businessTimeIso(`${c.renewalDate.slice(0, 10)}T00:00:00Z`) !== null ? c.renewalDate.slice(0, 10) : null,
    annual_value: typeof c?.annualValue === 'number' && Number.isFinite(c.annualValue) ? c.annualValue : null,
    score: view.score,
    band: view.band,
    trend30d: view.trend30d,
    churn_probability: view.churnRisk.probability,
    churn_level: view.churnRisk.level,
    drivers: view.drivers,
    notes: view.notes,
    churn_drivers: view.churnRisk.drivers,
    last_relational_contact_at: view.lastRelationalContactAt,
    churned_at: churnedAt(fold.input.outcomes),
    events_considered: view.eventsConsidered,
    evaluated_at: view.at,
    stream_version: streamVersion,
  };
}
