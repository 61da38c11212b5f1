import { loadConfigOrExit } from '../libs/shared/src/config.js';
import { embeddedDatabaseUnlessSet } from './embedded-database.js';
import { openDatabase } from '../libs/shared/src/database/data-source.js';

const embedded = await embeddedDatabaseUnlessSet();
const config = loadConfigOrExit();
const ds = await openDatabase(config.DATABASE_URL, 1, 'closeness-migrate');
await ds.destroy();
process.stdout.write('closeness: migrations applied\n');
await embedded?.stop();
