/**
 * The local search engine in a process of its own, as each region of the local cloud runs it (its SQLite
 * work then never delays the benchmark's clock). Prints `READY <url>` once it listens.
 *   node --import tsx bench/search/serveEngine.ts <dataDir>
 */
import { startSearchEngine } from '../../local/search-engine/index.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: serveEngine.ts <dataDir>');
const engine = await startSearchEngine({ port: 0, dataDir });
console.log(`READY ${engine.url}`);
process.on('SIGTERM', () => void engine.close().then(() => process.exit(0)));
