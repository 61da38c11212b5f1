import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The path of an executable found on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Whether a test that needs `name` (e.g. redis-server, to stop and start a server of its own) can
 * run. Missing: the file says so on stderr and its tests are skipped, except in CI (CI=true),
 * where a missing binary is a failure, so CI never skips silently.
 */
export function needsBinary(name: string, why: string): boolean {
  if (findOnPath(name)) return true;
  const line = `${name} not found on PATH: ${why}`;
  if (process.env.CI) throw new Error(`${line}; CI runs every test (install ${name})`);
  process.stderr.write(`\nSKIPPED: ${line}, so these tests are skipped (install ${name} to run them; CI does)\n`);
  return false;
}
