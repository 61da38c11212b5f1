import type { DataSource } from 'typeorm';

/**
 * A goal for one figure. A bare number is a minimum ratio to the baseline when the row has a
 * `baselineKey`, otherwise a minimum figure. Objects say it explicitly.
 */
export type Goal = number | { minRatio: number } | { atLeast: number } | { atMost: number } | { text: string };

/** One line of the results table. */
export interface Row {
  /** What was measured, e.g. "appends/s, one event per call, 8 callers". */
  measure: string;
  figure: number;
  unit: string;
  /** Name of a `baseline <name> <value>` line from bench/pg-baseline.sh; ratio = figure / baseline. */
  baselineKey?: string;
  goal?: Goal;
  /** Anything the reader must know about this figure (shown under the table). */
  note?: string;
}

export interface BenchDatabase {
  url: string;
  ds: DataSource;
  drop(): Promise<void>;
}

export interface BenchContext {
  /** BENCH_QUICK=1: a short smoke run (small sizes, seconds not tens of seconds). */
  quick: boolean;
  /** Baseline figures measured at the start of this same run (see bench/pg-baseline.sh). */
  baseline: Record<string, number>;
  /** Postgres server URL without a database, e.g. postgres://postgres:postgres@127.0.0.1:5432. */
  pgBase: string;
  redisUrl: string;
  /** A fresh, migrated database named closeness_bench_<label>_<random>; drop it when done (run.ts drops leftovers too). */
  freshDatabase(label: string, poolSize?: number): Promise<BenchDatabase>;
  /** Picks the full-run or the quick-run value. */
  size<T>(full: T, quick: T): T;
  /** Progress output (stderr). */
  log(message: string): void;
}

export interface BenchSuite {
  name: string;
  run(ctx: BenchContext): Promise<Row[]>;
}
