/*
 * Runs inside a function's Worker: loads the handler once (a warm container) and answers invoke
 * messages with Lambda's calling convention, async or callback style.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { serializeError } from './functionError.js';
import { lambdaContext } from './lambdaContext.js';
import type { InvokeMessage, WorkerData, WorkerMessage } from './workerProtocol.js';

type Callback = (error?: unknown, result?: unknown) => void;
type Handler = (event: unknown, context: unknown, callback: Callback) => unknown;

if (!parentPort) throw new Error('worker.ts runs only inside a worker thread');
const port = parentPort;
const data = workerData as WorkerData;
const send = (message: WorkerMessage): void => port.postMessage(message);

function call(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback: Callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      // Async handlers answer by their promise; callback handlers (three parameters) by the callback.
      if (handler.length < 3 || returned instanceof Promise) Promise.resolve(returned).then(resolve, reject);
    } catch (e) {
      reject(e);
    }
  });
}

async function main(): Promise<void> {
  let handler: Handler;
  try {
    const module = (await import(pathToFileURL(data.handlerFile).href)) as Record<string, unknown>;
    const exported = module[data.handlerExport];
    if (typeof exported !== 'function') {
      const error = new Error(`${data.handlerFile} does not export a function named ${data.handlerExport}`);
      error.name = 'Runtime.HandlerNotFound';
      throw error;
    }
    handler = exported as Handler;
  } catch (e) {
    send({ type: 'init-error', error: serializeError(e) });
    return;
  }

  port.on('message', (message: InvokeMessage) => {
    const context = lambdaContext(data, message.id, message.deadlineMs);
    call(handler, message.event, context).then(
      // Lambda answers with JSON: what JSON cannot carry does not reach the caller here either.
      (result) => send({ type: 'result', id: message.id, payload: JSON.stringify(result ?? null) }),
      (error: unknown) => send({ type: 'error', id: message.id, error: serializeError(error) }),
    );
  });
  send({ type: 'ready' });
}

void main();
