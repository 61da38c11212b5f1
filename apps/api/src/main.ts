import { loadConfigOrExit } from '../../../libs/shared/src/config.js';
import { createApiApp } from './bootstrap.js';

const config = loadConfigOrExit();
const app = await createApiApp(config);
await app.listen(config.PORT, config.HOST);
