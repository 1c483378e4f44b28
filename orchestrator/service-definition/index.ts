/**
 * Service definitions: one serverless.yml per service, loaded for a stage and region into a typed,
 * validated model that the local cloud's deployer and the AWS packaging both consume.
 */
export { loadService } from './loadService.js';
export { ServiceDefinitionError } from './errors.js';
export { isIntrinsic, type CfIntrinsic } from './intrinsics.js';
export { isDeferred, type DeferredRef, type DeferredConcat, type DeferredValue } from './deferred.js';
export { EVENT_TYPES } from './events.js';
export { HANDLER_EXTENSIONS } from './functions.js';
export { DEFAULT_RUNTIME } from './provider.js';
export { VARIABLE_SOURCES } from './variables.js';
export type {
  ArnValue,
  CfResource,
  EnvValue,
  FunctionDef,
  FunctionEvent,
  HttpEvent,
  IamStatement,
  LoadOptions,
  ProviderDef,
  S3Event,
  ScheduleEvent,
  ServiceDefinition,
  SnsEvent,
  StreamEvent,
  Unresolved,
} from './model.js';
