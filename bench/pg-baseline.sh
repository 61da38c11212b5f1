#!/usr/bin/env bash
# The project's copy of ../shared/bench/pg-baseline.sh. What raw PostgreSQL and Redis do on this machine, right now: the ceiling a benchmark of the
# project is read against. Run it in the same benchmark run as the project's own figures and
# report ratios (project / baseline), not bare numbers.
#
# Prints one line per figure: `baseline <name> <value>`.
# Env: PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) PGPASSWORD (postgres)
#      REDIS_HOST (127.0.0.1) REDIS_PORT (6379) BASELINE_SECONDS (10) BASELINE_CLIENTS (8)
set -euo pipefail
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-postgres}
secs=${BASELINE_SECONDS:-10}
[ "${BENCH_QUICK:-}" = 1 ] && secs=${BASELINE_SECONDS:-3}
clients=${BASELINE_CLIENTS:-8}
db=closeness_bench_baseline_$$
work=$(mktemp -d)
cleanup() { psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

command -v pgbench >/dev/null || { echo "pg-baseline: pgbench not found (Debian: postgresql package)" >&2; exit 2; }
psql -qX -d postgres -c "CREATE DATABASE $db" >/dev/null

# An event-store-shaped table: what an append has to do at the least.
psql -qX -d "$db" >/dev/null <<'SQL'
CREATE TABLE events(
  global_position bigserial PRIMARY KEY,
  stream_id text NOT NULL,
  stream_version int NOT NULL,
  event_id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_version));
SQL

payload='{"channel":"email","direction":"inbound","initiatedBy":"customer","handledBy":"human","occurredAt":"2026-11-01T10:00:00Z","durationSeconds":300,"summary":"The customer asked about returning an order; the agent called back and solved it."}'
cat >"$work/single.sql" <<SQL
INSERT INTO events(stream_id, stream_version, event_id, type, data)
VALUES ('customer-' || gen_random_uuid(), 1, gen_random_uuid(), 'TouchpointRecorded', '$payload');
SQL
cat >"$work/batch.sql" <<SQL
INSERT INTO events(stream_id, stream_version, event_id, type, data)
SELECT 'customer-' || gen_random_uuid(), 1, gen_random_uuid(), 'TouchpointRecorded', '$payload'::jsonb
FROM generate_series(1, 100);
SQL

tps() { sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1 | cut -d. -f1; }
single=$(pgbench -n -c "$clients" -j 2 -T "$secs" -f "$work/single.sql" "$db" 2>/dev/null | tps)
echo "baseline pg_insert_one_event_per_txn_per_s $single"
batch=$(pgbench -n -c 4 -j 2 -T "$secs" -f "$work/batch.sql" "$db" 2>/dev/null | tps)
echo "baseline pg_insert_events_in_batches_of_100_per_s $((batch * 100))"

# Ordered read over as many rows as the project's reader benchmark (1M; 100k quick), seeded fast:
# a read of the few thousand rows inserted above would mostly time psql's start-up.
read_rows=${BASELINE_READ_ROWS:-1000000}
[ "${BENCH_QUICK:-}" = 1 ] && read_rows=${BASELINE_READ_ROWS:-100000}
psql -qX -d "$db" >/dev/null <<SQL
TRUNCATE events;
INSERT INTO events(stream_id, stream_version, event_id, type, data)
SELECT 'customer-' || (g % 10000), g / 10000 + 1, gen_random_uuid(), 'TouchpointRecorded', '$payload'::jsonb
FROM generate_series(1, $read_rows) g;
VACUUM ANALYZE events;
SQL
rows=$(psql -qAtX -d "$db" -c "SELECT count(*) FROM events")
start=$(date +%s%N)
psql -qX -d "$db" -c "\\copy (SELECT global_position, stream_id, type, data FROM events ORDER BY global_position) TO '/dev/null'" >/dev/null
end=$(date +%s%N)
echo "baseline pg_read_events_in_order_per_s $(( rows * 1000000000 / (end - start) ))"

if command -v redis-benchmark >/dev/null; then
  r=$(redis-benchmark -h "${REDIS_HOST:-127.0.0.1}" -p "${REDIS_PORT:-6379}" -q -n 100000 -t lpush 2>/dev/null | tr '\r' '\n' | sed -n 's/^LPUSH: \([0-9.]*\) requests per second.*/\1/p' | tail -1 | cut -d. -f1)
  echo "baseline redis_lpush_per_s ${r:-unknown}"
fi
