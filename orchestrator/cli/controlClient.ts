import type { MeridianConfig } from '../../regions/config.js';
import type { CloudStatus } from '../../local/cloud/localCloud.js';
import { CONTROL_TOKEN_HEADER, controlTokenFile, readControlToken } from '../../local/control/controlToken.js';

export class CloudNotRunningError extends Error {
  override name = 'CloudNotRunningError';
}

/** The cloud refused or failed an operation; its message is for the user as it stands. */
export class CloudOperationError extends Error {
  override name = 'CloudOperationError';
}

/** Talks to a running local cloud through its front door's control API (/_meridian/*). */
export class ControlClient {
  readonly base: string;

  private readonly stateDir: string;

  constructor(config: MeridianConfig) {
    this.base = `http://127.0.0.1:${config.frontDoor.port}`;
    this.stateDir = config.stateDir;
  }

  /** Headers of a state-changing control request: JSON, and this start's token (read anew: it changes at each start). */
  private headers(): Record<string, string> {
    const token = readControlToken(this.stateDir);
    if (token === undefined) {
      throw new CloudNotRunningError(`no control token in ${controlTokenFile(this.stateDir)}: is the local cloud on ${this.base} running from this folder (MERIDIAN_STATE_DIR)? Start it with \`npm start\``);
    }
    return { 'content-type': 'application/json', [CONTROL_TOKEN_HEADER]: token };
  }

  /** The cloud's status, or undefined when nothing answers on the front door's port. */
  async status(): Promise<CloudStatus | undefined> {
    try {
      const res = await fetch(`${this.base}/_meridian/status`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json()) as CloudStatus;
      return body;
    } catch {
      return undefined;
    }
  }

  async post(path: string, body?: unknown): Promise<unknown> {
    const headers = this.headers();
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body ?? {}),
        signal: AbortSignal.timeout(120_000),
      });
    } catch {
      throw new CloudNotRunningError(`the local cloud is not running on ${this.base}: start it with \`npm start\``);
    }
    const answer = (await res.json().catch(() => ({}))) as { message?: string };
    if (!res.ok) throw new Error(answer.message ?? `${path} answered ${res.status}`);
    return answer;
  }

  /**
   * Long work (deploy, remove) answers NDJSON: progress lines, then `done` or `error`. Resolves the
   * `done` line; rejects with the error's message.
   */
  async stream(path: string, body: unknown, onProgress: (line: string) => void): Promise<{ services: string[] }> {
    const headers = this.headers();
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    } catch {
      throw new CloudNotRunningError(`the local cloud is not running on ${this.base}: start it with \`npm start\``);
    }
    if (!res.ok || !res.body) {
      const answer = (await res.json().catch(() => ({}))) as { message?: string };
      throw new Error(answer.message ?? `${path} answered ${res.status}`);
    }
    let rest = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body) {
      const lines = (rest + decoder.decode(chunk as Uint8Array, { stream: true })).split('\n');
      rest = lines.pop() ?? '';
      for (const text of lines) {
        if (!text.trim()) continue;
        const m = JSON.parse(text) as { type: 'progress'; line: string } | { type: 'done'; services: string[] } | { type: 'error'; message: string };
        if (m.type === 'progress') onProgress(m.line);
        else if (m.type === 'done') return { services: m.services };
        else throw new CloudOperationError(m.message);
      }
    }
    throw new Error(`${path}: the local cloud closed the connection before finishing (see its log)`);
  }
}
