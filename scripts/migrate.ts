import { loadConfigOrExit } from '../libs/shared/src/config.js';
import { openDatabase } from '../libs/shared/src/database/data-source.js';

const config = loadConfigOrExit();
const ds = await openDatabase(config.DATABASE_URL, 1, 'closeness-migrate');
await ds.destroy();
process.stdout.write('closeness: migrations applied\n');
