/** Child process for the kill -9 test: serves dataDir (argv[2]) and prints its URL. */
import { startObjectStore } from '../index.js';

const store = await startObjectStore({ region: 'us-east-1', accountId: '123456789012', port: 0, dataDir: process.argv[2] ?? '' });
process.stdout.write(`${store.url}\n`);
