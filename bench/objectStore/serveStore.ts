/**
 * The local object store in a process of its own, as a region host runs it, so its resident memory can
 * be read apart from the client's. Prints `READY <url>` once it listens.
 *   node --import tsx bench/objectStore/serveStore.ts <dataDir>
 */
import { startObjectStore } from '../../local/object-store/index.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: serveStore.ts <dataDir>');
const store = await startObjectStore({ region: 'us-east-1', accountId: '123456789012', port: 0, dataDir, log: () => {} });
console.log(`READY ${store.url}`);
process.on('SIGTERM', () => void store.close().then(() => process.exit(0)));
