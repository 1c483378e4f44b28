import { randomUUID } from 'node:crypto';
import { admitHost } from '../http/hostGuard.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import { BodyTooLargeError, close, listen, readBody } from '../http/server.js';
import { openSqlite } from '../storage/sqlite.js';
import { EsError } from './esErrors.js';
import { IndexStore } from './indexStore.js';
import { send } from './respond.js';
import { esRoutes } from './routes.js';
import { Searcher } from './search.js';

/**
 * The local search engine: an Elasticsearch-compatible HTTP endpoint (the subset that
 * @elastic/elasticsearch and @opensearch-project/opensearch use) backed by SQLite FTS5 with bm25.
 * One per region; state in `<dataDir>/search.sqlite`.
 */
export interface SearchEngineOptions {
  /** 0 = ephemeral */
  port: number;
  host?: string;
  /** Names besides the loopback ones this endpoint answers to (config/meridian.yml network.allowedHosts). */
  allowedHosts?: readonly string[];
  dataDir: string;
}

export interface SearchEngine {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Elasticsearch's http.max_content_length default. */
const MAX_BODY_BYTES = 100 * 1024 * 1024;

export async function startSearchEngine(opts: SearchEngineOptions): Promise<SearchEngine> {
  const db = openSqlite(join(opts.dataDir, 'search.sqlite'));
  db.exec('CREATE TABLE IF NOT EXISTS es_cluster(key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  db.prepare('INSERT OR IGNORE INTO es_cluster(key, value) VALUES (?, ?)').run('uuid', randomUUID());
  const clusterUuid = (db.prepare('SELECT value FROM es_cluster WHERE key = ?').get('uuid') as { value: string }).value;
  const store = new IndexStore(db);
  const router = esRoutes(store, new Searcher(db), clusterUuid);

  const server = createServer((req, res) => {
    if (!admitHost(req, res, opts.allowedHosts)) return;
    handle(req, res).catch((err: unknown) => respondError(req, res, err));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const { handler, params } = router.resolve(method, url.pathname);
    const text = decodeBody(req, await readBody(req, MAX_BODY_BYTES));
    const result = handler({ params, query: url.searchParams, method, text });
    send(req, res, result.status, result.body);
  }

  await listen(server, opts.port, opts.host ?? '127.0.0.1');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host ?? '127.0.0.1';
  let closed = false;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    async close() {
      if (closed) return;
      closed = true;
      await close(server);
      db.close();
    },
  };
}

/** Bodies may arrive compressed when a client enables `compression`. */
function decodeBody(req: IncomingMessage, raw: Buffer): string {
  const encoding = req.headers['content-encoding'];
  try {
    if (encoding === 'gzip') return gunzipSync(raw).toString('utf8');
    if (encoding === 'deflate') return inflateSync(raw).toString('utf8');
  } catch {
    throw new EsError(400, 'illegal_argument_exception', `request body is not valid ${encoding}`);
  }
  return raw.toString('utf8');
}

function respondError(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  let error: EsError;
  if (err instanceof EsError) error = err;
  else if (err instanceof BodyTooLargeError) error = new EsError(413, 'content_too_long_exception', err.message);
  else {
    // Anything else is our bug; say so in ES's shape rather than dropping the connection.
    error = new EsError(500, 'exception', err instanceof Error ? err.message : String(err));
    console.error('[search-engine]', err);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  req.resume(); // drain an unread body so the kept-alive connection stays usable
  send(req, res, error.status, error.toBody());
}
