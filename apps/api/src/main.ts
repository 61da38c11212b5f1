import { loadConfigOrExit } from '../../../libs/shared/src/config.js';
import { createApiApp } from './bootstrap.js';
import { onStopSignals } from './shutdown.js';

const config = loadConfigOrExit();
const app = await createApiApp(config);
onStopSignals(app, 10_000);
await app.listen(config.PORT, config.HOST);
