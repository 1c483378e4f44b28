import type { ServerResponse } from 'node:http';

/** One line of a long operation's answer (`application/x-ndjson`). */
export type ProgressMessage =
  | { type: 'progress'; line: string }
  | { type: 'done'; services: string[] }
  | { type: 'error'; message: string };

/**
 * Long work answers as NDJSON: each progress line as it happens, then `done` or `error`. The status (200)
 * is sent before the work starts, so a failure can only be the `error` line.
 */
export async function streamProgress(res: ServerResponse, work: (progress: (line: string) => void) => Promise<string[]>): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  const send = (m: ProgressMessage) => res.write(`${JSON.stringify(m)}\n`);
  try {
    const services = await work((line) => send({ type: 'progress', line }));
    send({ type: 'done', services });
  } catch (e) {
    send({ type: 'error', message: (e as Error).message });
  }
  res.end();
}
