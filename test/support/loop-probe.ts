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

export function startLoopProbe(intervalMs = 5): LoopProbe {
  let max = 0;
  let last = performance.now();
  let lastCpu = loopThreadCpu();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = loopThreadCpu(lastCpu);
    const late = now - last - intervalMs;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const blocked = Math.min(late, cpuMs);
    if (blocked > max) max = blocked;
    last = now;
    lastCpu = loopThreadCpu();
  }, intervalMs);
  return {
    maxBlockedMs: () => max,
    stop() {
      clearInterval(timer);
      return max;
    },
  };
}
