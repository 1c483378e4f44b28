import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The header the CLI sends the control token in. */
export const CONTROL_TOKEN_HEADER = 'x-meridian-token';

/** Where a running cloud keeps its control token: readable by its user only. */
export const controlTokenFile = (stateDir: string): string => join(stateDir, 'control-token');

/**
 * A new token for this start of the cloud, written where only this user can read it (as Jupyter does):
 * the CLI proves it runs as the cloud's user by reading it; a web page cannot read files.
 */
export function issueControlToken(stateDir: string): string {
  mkdirSync(stateDir, { recursive: true });
  const token = randomBytes(32).toString('hex');
  const file = controlTokenFile(stateDir);
  const temp = `${file}.${process.pid}.tmp`;
  // Created 0600 (umask can only narrow it) and renamed into place, so no reader ever sees a partial token.
  writeFileSync(temp, token, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return token;
}

/** The token of the cloud whose state is in stateDir, or undefined when there is none. */
export function readControlToken(stateDir: string): string | undefined {
  try {
    const token = readFileSync(controlTokenFile(stateDir), 'utf8').trim();
    return token === '' ? undefined : token;
  } catch {
    return undefined;
  }
}

/** Compares in constant time, so the answer's timing says nothing about how much of a guess was right. */
export function tokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
