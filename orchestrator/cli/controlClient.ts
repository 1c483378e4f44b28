import type { MeridianConfig } from '../../regions/config.js';
import type { CloudStatus } from '../../local/cloud/localCloud.js';

export class CloudNotRunningError extends Error {
  override name = 'CloudNotRunningError';
}

/** Talks to a running local cloud through its front door's control API (/_meridian/*). */
export class ControlClient {
  readonly base: string;

  constructor(config: MeridianConfig) {
    this.base = `http://127.0.0.1:${config.frontDoor.port}`;
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
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method: 'POST',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
      });
    } catch {
      throw new CloudNotRunningError(`the local cloud is not running on ${this.base}: start it with \`npm start\``);
    }
    const answer = (await res.json().catch(() => ({}))) as { message?: string };
    if (!res.ok) throw new Error(answer.message ?? `${path} answered ${res.status}`);
    return answer;
  }
}
