/**
 * A timer-drift probe: a timer that should fire every `intervalMs`; how late it fires is how long
 * this process's event loop was blocked (the API under test runs in the test's process). A bound
 * on blocking, not a timing of the work.
 *
 * On a shared machine the process may also wait for a CPU, which looks like drift but is not
 * blocking: a late tick counts only for the CPU time the process used meanwhile
 * (`process.cpuUsage`), so the figure is min(lateness, CPU time used).
 */
export interface LoopProbe {
  /** The longest blocking seen since start (ms). */
  maxBlockedMs(): number;
  stop(): number;
}

export function startLoopProbe(intervalMs = 5): LoopProbe {
  let max = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const late = now - last - intervalMs;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const blocked = Math.min(late, cpuMs);
    if (blocked > max) max = blocked;
    last = now;
    lastCpu = process.cpuUsage();
  }, intervalMs);
  return {
    maxBlockedMs: () => max,
    stop() {
      clearInterval(timer);
      return max;
    },
  };
}
