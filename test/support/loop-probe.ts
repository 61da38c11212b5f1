import { PerformanceObserver, performance } from 'node:perf_hooks';

/**
 * A timer-drift probe: a timer that should fire every `intervalMs`; how late it fires is how long
 * this process's event loop was blocked (the API under test runs in the test's process). A bound
 * on blocking, not a timing of the work.
 *
 * On a shared machine the process may also wait for a CPU, which looks like drift but is not
 * blocking: a late tick counts only for the CPU time the event loop's own thread used meanwhile
 * (`process.threadCpuUsage`; the whole process's `cpuUsage` where Node lacks it, which also
 * counts worker threads and the garbage collector's helpers), so the figure is
 * min(lateness, CPU time used).
 *
 * Garbage collection pauses are taken off too: they are the runtime's, not the code under test,
 * and in a Jest process that has run a hundred test files before this one they reflect the heap
 * of all of them. (A full run once saw 162 ms during routes that do little, never the file alone;
 * the cause was not caught, and a collection is the likeliest.)
 */
export interface LoopProbe {
  /** The longest blocking seen since start (ms). */
  maxBlockedMs(): number;
  stop(): number;
}

const loopThreadCpu: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage =
  typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage === 'function'
    ? (previous) => (process as unknown as { threadCpuUsage: (p?: NodeJS.CpuUsage) => NodeJS.CpuUsage }).threadCpuUsage(previous)
    : (previous) => process.cpuUsage(previous);

/** Ticks late by less than this are not kept: they cannot be the longest blocking worth a look. */
const KEPT_LATE_MS = 10;

export function startLoopProbe(intervalMs = 5): LoopProbe {
  // Late ticks ([from, to] on performance.now()'s clock) and the garbage collections, on the same clock.
  const late: { from: number; to: number; blocked: number }[] = [];
  const pauses: { from: number; to: number }[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration >= 1) pauses.push({ from: e.startTime, to: e.startTime + e.duration });
  });
  gc.observe({ entryTypes: ['gc'] });
  let last = performance.now();
  let lastCpu = loopThreadCpu();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = loopThreadCpu(lastCpu);
    const blocked = Math.min(now - last - intervalMs, (cpu.user + cpu.system) / 1000);
    if (blocked >= KEPT_LATE_MS) late.push({ from: last, to: now, blocked });
    last = now;
    lastCpu = loopThreadCpu();
  }, intervalMs);
  // Read when asked, not at the tick: the observer hears of a collection only after it ended.
  const maxBlockedMs = () => {
    let max = 0;
    for (const t of late) {
      let collecting = 0;
      for (const p of pauses) collecting += Math.max(0, Math.min(t.to, p.to) - Math.max(t.from, p.from));
      max = Math.max(max, t.blocked - collecting);
    }
    return max;
  };
  return {
    maxBlockedMs,
    stop() {
      clearInterval(timer);
      gc.disconnect();
      return maxBlockedMs();
    },
  };
}
