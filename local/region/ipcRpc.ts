/**
 * Request and reply over a child process's IPC channel, in both directions: the supervisor asks a region
 * to deploy, the region asks the supervisor to replicate a table. Progress lines flow back while a request runs.
 */
export type RpcMessage =
  | { rpc: 'request'; id: number; op: string; args: unknown }
  | { rpc: 'progress'; id: number; line: string }
  | { rpc: 'reply'; id: number; ok: true; result: unknown }
  | { rpc: 'reply'; id: number; ok: false; error: string };

export type RpcHandler = (args: unknown, progress: (line: string) => void) => Promise<unknown>;

export function isRpcMessage(m: unknown): m is RpcMessage {
  return typeof m === 'object' && m !== null && 'rpc' in m;
}

export class IpcRpc {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; progress(line: string): void }>();

  constructor(
    private readonly send: (m: RpcMessage) => void,
    private readonly handlers: Record<string, RpcHandler>,
  ) {}

  call(op: string, args: unknown, progress: (line: string) => void = () => {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, progress });
      try {
        this.send({ rpc: 'request', id, op, args });
      } catch (e) {
        this.pending.delete(id);
        reject(e as Error);
      }
    });
  }

  /** Feeds a message from the other side. */
  receive(m: RpcMessage): void {
    if (m.rpc === 'request') {
      void this.serve(m);
      return;
    }
    const waiting = this.pending.get(m.id);
    if (!waiting) return;
    if (m.rpc === 'progress') return waiting.progress(m.line);
    this.pending.delete(m.id);
    if (m.ok) waiting.resolve(m.result);
    else waiting.reject(new Error(m.error));
  }

  /** The other side went away: nothing pending will be answered. */
  failAll(reason: string): void {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  private async serve(m: Extract<RpcMessage, { rpc: 'request' }>): Promise<void> {
    const handler = this.handlers[m.op];
    try {
      if (!handler) throw new Error(`unknown operation ${m.op}`);
      const result = await handler(m.args, (line) => this.send({ rpc: 'progress', id: m.id, line }));
      this.send({ rpc: 'reply', id: m.id, ok: true, result: result ?? null });
    } catch (e) {
      try {
        this.send({ rpc: 'reply', id: m.id, ok: false, error: (e as Error).message });
      } catch {
        // the channel closed: the caller learns it from failAll
      }
    }
  }
}
