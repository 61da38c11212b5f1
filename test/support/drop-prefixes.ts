import { afterAll } from '@jest/globals';
import { dropTestPrefixes } from './env.js';

// Every integration test file: once its apps are closed (their afterAll hooks sit in describe
// blocks, which end first), the queue keys under the prefixes testConfig gave it leave the
// shared Redis. A file that builds an app without startStack cannot forget it.
afterAll(() => dropTestPrefixes());
