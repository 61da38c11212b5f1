// `--import` this in a worker thread's execArgv to run it from TypeScript sources (see ts-hooks.mjs).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
