import { readFileSync } from 'node:fs';
import { WORKER_NODE_FLAGS } from './worker-flags.js';

describe('WORKER_NODE_FLAGS', () => {
  it('are spelled out wherever a worker is started without scripts/start.ts', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const compose = readFileSync('docker-compose.yml', 'utf8');
    const composeWorker = compose.split('\n').find((l) => l.includes('dist/apps/worker/src/main.js'));
    for (const flag of WORKER_NODE_FLAGS) {
      expect(pkg.scripts['start:worker']).toContain(flag);
      expect(composeWorker).toContain(`"${flag}"`);
    }
  });
});
