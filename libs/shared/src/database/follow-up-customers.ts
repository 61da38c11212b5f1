/** Anything with `query` (a DataSource, an EntityManager, a transaction from EventStore.transaction). */
interface Db {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/**
 * Call in the transaction that stores a follow-up's closing event (completed, dismissed,
 * merged): frees the customer's one open slot and remembers the closing — evidence up to it is
 * used up — and, for a dismissal, when each of its reasons' rules was put to rest (the cool-down).
 */
export async function recordFollowUpClosed(db: Db, c: { customerId: string; taskId: string; closedAt: string; dismissedRules?: readonly string[]; merged?: boolean }): Promise<void> {
  // A task merged into the customer's other open one closed nothing about the customer: its evidence lives on there.
  const closedAt = c.merged ? null : c.closedAt;
  const dismissed = Object.fromEntries((c.dismissedRules ?? []).map((r) => [r, c.closedAt]));
  await db.query(
    `INSERT INTO follow_up_customers AS f (customer_id, open_task_id, last_closed_at, dismissed) VALUES ($1, NULL, $3::timestamptz, $4::jsonb)
     ON CONFLICT (customer_id) DO UPDATE SET
       open_task_id = CASE WHEN f.open_task_id = $2 THEN NULL ELSE f.open_task_id END,
       last_closed_at = coalesce(greatest(f.last_closed_at, EXCLUDED.last_closed_at), f.last_closed_at),
       dismissed = f.dismissed || EXCLUDED.dismissed`,
    [c.customerId, c.taskId, closedAt, JSON.stringify(dismissed)],
  );
  // The per-rule slots of before one-per-customer, while a task of then is still around.
  await db.query(`DELETE FROM open_follow_ups WHERE task_id = $1`, [c.taskId]);
}
