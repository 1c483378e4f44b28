import type { SerializedError } from './functionError.js';

/** What the worker needs to load its handler and build Lambda's context object. */
export interface WorkerData {
  handlerFile: string;
  handlerExport: string;
  functionName: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
}

export interface InvokeMessage {
  type: 'invoke';
  id: string;
  event: unknown;
  deadlineMs: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: string; payload: string }
  | { type: 'error'; id: string; error: SerializedError };
