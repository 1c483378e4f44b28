import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

// Below Linux's ephemeral range (32768-60999): a port taken from there (listen on 0) is free only until
// the next outgoing connection of any process on the machine picks it as its source port, which happened
// in CI between this check and the server's own listen. Above the suite's local cloud (4000-4090 plus an
// offset of at most 20900, see vitest.config.ts), so the two never meet either.
const LOWEST = 26_000;
const HIGHEST = 32_000;
const handedOut = new Set<number>();

/** A port nothing listens on right now: for tests that start real servers side by side, and for internal ports (DynamoDB Local behind its front). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomInt(LOWEST, HIGHEST + 1);
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${LOWEST} and ${HIGHEST} after 200 tries: is something holding most of them?`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
