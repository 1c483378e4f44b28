/** The function runtime of a local region: a local Lambda with stream event source mappings. */
export { createFunctionRuntime } from './functionRuntime.js';
export { FunctionError, FunctionNotFoundError, FunctionTimeoutError, RuntimeClosedError, UnbundledHandlerError } from './functionError.js';
export type { EventSourceMapping, Fault, FunctionDefinition, FunctionRuntime, FunctionRuntimeOptions } from './types.js';
