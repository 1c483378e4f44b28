/** An error as it crosses the worker boundary (structured clone drops custom names and fields). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export function serializeError(thrown: unknown): SerializedError {
  if (thrown instanceof Error) {
    const out: SerializedError = { name: thrown.name, message: thrown.message };
    if (thrown.stack !== undefined) out.stack = thrown.stack;
    return out;
  }
  // Lambda reports a thrown non-Error by its type, with its string form as the message.
  return { name: typeof thrown === 'string' ? 'string' : 'Error', message: String(thrown) };
}

/** The handler's own error, rebuilt in the caller with its name, message and stack. */
export class FunctionError extends Error {
  constructor(serialized: SerializedError) {
    super(serialized.message);
    this.name = serialized.name;
    if (serialized.stack !== undefined) this.stack = serialized.stack;
  }
}

export class FunctionTimeoutError extends Error {
  override name = 'Sandbox.Timedout';
  constructor(seconds: number) {
    // Lambda's own wording.
    super(`Task timed out after ${seconds.toFixed(2)} seconds`);
  }
}

export class FunctionNotFoundError extends Error {
  override name = 'ResourceNotFoundException';
  constructor(name: string) {
    super(`Function not found: ${name}`);
  }
}

export class WorkerExitedError extends Error {
  override name = 'Runtime.ExitError';
}

export class RuntimeClosedError extends Error {
  override name = 'RuntimeClosedError';
  constructor() {
    super('the function runtime was closed');
  }
}

/** A handler module Lambda could not run as it is (TypeScript): the runtime runs bundles, as Lambda does. */
export class UnbundledHandlerError extends Error {
  override name = 'UnbundledHandlerError';
  constructor(functionName: string, handlerFile: string) {
    super(
      `${functionName}: ${handlerFile} is TypeScript, which Lambda does not run; deploy the function's bundle ` +
        '(local/deploy bundles every handler with orchestrator/aws/bundle, as `meridian package` does)',
    );
  }
}
