import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const LOCKS = join(tmpdir(), 'meridian-osls-locks');
const POLL_MS = 200;
/** A lock whose owner has not written its pid after this long was left by a crash between mkdir and write. */
const UNCLAIMED_STALE_MS = 10_000;

/**
 * One osls at a time per service folder, across processes: osls stages every package, deploy and removal in
 * `<service>/.serverless/`, so a second run there (another terminal, a test run, another engineer's
 * command) would mix its files into the first's. The lock lives outside the repository; a lock whose
 * process is gone is taken over.
 */
export async function withServiceDirLock<T>(serviceDir: string, onWait: () => void, work: () => Promise<T>): Promise<T> {
  const path = join(LOCKS, createHash('sha256').update(resolve(serviceDir)).digest('hex').slice(0, 16));
  mkdirSync(LOCKS, { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'owner'), `${process.pid}\n${resolve(serviceDir)}\n`);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (isStale(path)) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        announced = true;
        onWait();
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

function isStale(path: string): boolean {
  let owner: string;
  try {
    owner = readFileSync(join(path, 'owner'), 'utf8');
  } catch {
    try {
      return Date.now() - statSync(path).mtimeMs > UNCLAIMED_STALE_MS;
    } catch {
      return true;
    }
  }
  const pid = Number(owner.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
