import { spawn, type ChildProcess } from 'node:child_process';

/** One process the supervisor keeps running. */
export interface ChildSpec {
  /** For the log lines: `api`, `worker (projections)`, … */
  name: string;
  /** The Node entry file (absolute). */
  entry: string;
  env?: Record<string, string>;
  nodeFlags?: readonly string[];
}

export interface SupervisorOptions {
  /** First restart delay; doubles per crash in a row, up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A child that ran this long before it died starts its back-off afresh. */
  stableAfterMs?: number;
  /** How long `stop()` waits for the children after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
}

interface Running {
  spec: ChildSpec;
  child?: ChildProcess;
  startedAt: number;
  crashes: number;
  timer?: NodeJS.Timeout;
}

/**
 * Runs child Node processes and restarts one that dies (crash, OOM kill, SIGKILL) with
 * exponential back-off, while the others keep running: a dead worker must not take the API
 * with it, and a worker that crashes on start must not spin. Each exit and restart is logged.
 * Only `stop()` (a signal to the supervisor) ends them all.
 */
export class Supervisor {
  private readonly running: Running[] = [];
  private stopping = false;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: SupervisorOptions = {}) {
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  add(spec: ChildSpec): this {
    const r: Running = { spec, startedAt: 0, crashes: 0 };
    this.running.push(r);
    this.spawn(r);
    return this;
  }

  /** The pid of each child now running, by name (for tests and status lines). */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.running.map((r) => [r.spec.name, r.child?.exitCode === null ? r.child.pid : undefined]));
  }

  /** SIGTERM to every child, SIGKILL after the timeout; resolves when all have exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    const alive = this.running.filter((r) => {
      if (r.timer) clearTimeout(r.timer);
      return r.child && r.child.exitCode === null && r.child.signalCode === null;
    });
    await Promise.all(
      alive.map(
        (r) =>
          new Promise<void>((resolve) => {
            const child = r.child!;
            const kill = setTimeout(() => child.kill('SIGKILL'), this.opts.stopTimeoutMs ?? 15_000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  private spawn(r: Running): void {
    const { spec } = r;
    // CLOSENESS_CHILD_NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`): flags Node refuses in NODE_OPTIONS, for every child.
    const extra = (process.env.CLOSENESS_CHILD_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), ...extra, spec.entry], { stdio: 'inherit', env: { ...process.env, ...spec.env } });
    r.child = child;
    r.startedAt = Date.now();
    child.on('error', (err) => this.log(`closeness: could not start ${spec.name}: ${err.message}`));
    child.once('exit', (code, signal) => this.exited(r, child, code, signal));
  }

  private exited(r: Running, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || r.child !== child) return;
    const ranMs = Date.now() - r.startedAt;
    r.crashes = ranMs >= (this.opts.stableAfterMs ?? 60_000) ? 1 : r.crashes + 1;
    const delay = Math.min(this.opts.maxBackoffMs ?? 30_000, (this.opts.initialBackoffMs ?? 1000) * 2 ** (r.crashes - 1));
    this.log(
      `closeness: ${r.spec.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`}) after ${Math.round(ranMs / 1000)} s; ` +
        `restarting it in ${delay} ms (crash ${r.crashes} in a row); the other processes keep running`,
    );
    r.timer = setTimeout(() => {
      r.timer = undefined;
      if (this.stopping) return;
      this.spawn(r);
      this.log(`closeness: ${r.spec.name} restarted (pid ${r.child?.pid})`);
    }, delay);
  }
}
