import { loadConfigOrExit } from '../../../libs/shared/src/config.js';
import { createWorker } from './bootstrap.js';

await createWorker(loadConfigOrExit());
