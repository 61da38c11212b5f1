// `npm run projection:rebuild -- <name>`: replays the whole log into one projection. The customer
// read models are rebuilt in this process, into shadow tables swapped in at the end (a running
// worker keeps serving and applying new events meanwhile, and shares the shadow's buckets); any
// other projection is handed to the running worker.
import { EventStore, ProjectionRunner, UpcasterRegistry, projectionStatuses, requestRebuild } from '../libs/event-store/src/index.js';
import { StreamCache } from '../libs/read-models/src/index.js';
import { PROJECTION_REGISTRY, projectionsOf } from '../apps/worker/src/projections/registry.js';
import { loadConfigOrExit } from '../libs/shared/src/config.js';
import { embeddedDatabaseUnlessSet } from './embedded-database.js';
import { openDatabase } from '../libs/shared/src/database/data-source.js';
import { UPCASTERS } from '../libs/shared/src/database/upcasters.js';

const name = process.argv[2];
const embedded = await embeddedDatabaseUnlessSet();
const config = loadConfigOrExit();
const ds = await openDatabase(config.DATABASE_URL, 2, 'closeness-rebuild');
try {
  const known = (await projectionStatuses(ds)).map((p) => p.name);
  const store = new EventStore(ds, new UpcasterRegistry(UPCASTERS));
  const cache = new StreamCache(store);
  const inProcess = new Set(PROJECTION_REGISTRY.filter((e) => e.rebuildInProcess).map((e) => e.name));
  const local = projectionsOf('read-models', { cache }, (n) => inProcess.has(n));
  const all = [...new Set([...known, ...PROJECTION_REGISTRY.map((e) => e.name)])].sort();
  if (!name || !all.includes(name)) {
    process.stderr.write(`usage: npm run projection:rebuild -- <name>\nprojections: ${all.join(', ')}\n`);
    process.exitCode = 2;
  } else if (local.some((p) => p.name === name)) {
    // A rebuild that fails is retried with back-off, not given up: its errors go to stderr as they happen.
    const logger = {
      info: () => undefined,
      error: (obj: { err?: unknown; error?: string }, msg?: string) =>
        process.stderr.write(`closeness: ${name}: ${msg ?? 'error'}${obj.err instanceof Error ? `: ${obj.err.message}` : obj.error ? `: ${obj.error}` : ''}\n`),
    };
    const runner = new ProjectionRunner(ds, store, local.filter((p) => p.name === name), { logger });
    const started = Date.now();
    const events = await runner.rebuild(name, {
      onProgress: (p) =>
        process.stdout.write(
          `closeness: rebuilding ${name}: ${p.bucketsDone}/${p.buckets} buckets done, ${p.eventsApplied.toLocaleString('en')} of ${p.eventsTotal.toLocaleString('en')} events, ` +
            `${p.eventsPerSecond.toLocaleString('en')} events/s, ETA ${p.etaSeconds === null ? '?' : `${p.etaSeconds} s`}` +
            (p.status === 'failing' ? `; FAILING (${p.attempts} in a row, retrying at ${p.retryAt ? new Date(p.retryAt).toISOString() : '?'}): ${p.lastError}` : '') +
            '\n',
        ),
    });
    process.stdout.write(`closeness: rebuilt ${name} from ${events} events in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } else {
    await requestRebuild(ds, name);
    process.stdout.write(`closeness: rebuild of ${name} requested; the running worker replays it (see GET /ops/projections)\n`);
  }
} finally {
  await ds.destroy();
  await embedded?.stop();
}
