import type { DeferredValue } from './deferred.js';
import type { CfIntrinsic } from './intrinsics.js';

/** A value a target finishes: CloudFormation intrinsics and deploy-time references (`${cf:...}`, `${ssm:...}`). */
export type Unresolved = CfIntrinsic | DeferredValue;
export type EnvValue = string | Unresolved;
export type ArnValue = string | Unresolved;

export interface LoadOptions {
  stage: string;
  region: string;
  /** Where config/<region>.yml and meridian.yml live, for `${meridian:...}`; defaults to the repository's config/. */
  configDir?: string;
  /** Further command-line options for `${opt:name}` (e.g. `acct`). */
  options?: Record<string, string | boolean>;
  /** For `${env:NAME}`; defaults to process.env. */
  env?: Record<string, string | undefined>;
}

export interface ServiceDefinition {
  service: string;
  stage: string;
  region: string;
  /** The service directory (absolute). */
  dir: string;
  /** The serverless.yml it was loaded from (absolute). */
  file: string;
  /** `${service}-${stage}` unless provider.stackName says otherwise. */
  stackName: string;
  provider: ProviderDef;
  functions: FunctionDef[];
  resources: CfResource[];
  outputs: Record<string, unknown>;
  conditions: Record<string, unknown>;
  custom: Record<string, unknown>;
  plugins: string[];
}

export interface ProviderDef {
  name: 'aws';
  runtime: string;
  environment: Record<string, EnvValue>;
  iamStatements: IamStatement[];
  endpointType?: 'REGIONAL' | 'EDGE' | 'PRIVATE';
  timeout?: number;
  memorySize?: number;
}

export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string[];
  NotAction?: string[];
  Resource?: ArnValue[];
  NotResource?: ArnValue[];
  Condition?: Record<string, unknown>;
}

export interface FunctionDef {
  /** The key under `functions:`. */
  key: string;
  /** The deployed function name: `${service}-${stage}-${key}` as the framework names it, or `name:`. */
  name: string;
  /** As written: `src/trigger.handler`. */
  handler: string;
  /** Absolute path of the module that exists: `<dir>/src/trigger.ts` (or .js, .mjs, .cjs). */
  handlerFile: string;
  handlerExport: string;
  runtime: string;
  /** provider.environment merged with the function's own (the function's win), as Lambda sees it. */
  environment: Record<string, EnvValue>;
  /** Seconds; the function's, else the provider's, else the framework's 6. */
  timeout: number;
  /** MB; the function's, else the provider's, else the framework's 1024. */
  memorySize: number;
  events: FunctionEvent[];
}

export type FunctionEvent = HttpEvent | StreamEvent | SnsEvent | S3Event | ScheduleEvent;

export interface HttpEvent {
  type: 'http';
  /** Upper case; `ANY` for any method. */
  method: string;
  /** Leading slash, no trailing slash, `{param}` and `{proxy+}` kept. */
  path: string;
  cors?: boolean | Record<string, unknown>;
  private?: boolean;
  authorizer?: unknown;
}

export interface StreamEvent {
  type: 'stream';
  source: 'dynamodb' | 'kinesis';
  arn: ArnValue;
  /** Framework default 10. */
  batchSize: number;
  /** Framework default TRIM_HORIZON. */
  startingPosition: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  startingPositionTimestamp?: number;
  enabled: boolean;
  maximumRetryAttempts?: number;
  maximumRecordAgeInSeconds?: number;
  bisectBatchOnFunctionError?: boolean;
  parallelizationFactor?: number;
  batchWindow?: number;
  functionResponseType?: 'ReportBatchItemFailures';
  /** Where records that keep failing go (SQS queue or SNS topic ARN). */
  onFailure?: ArnValue;
  filterPatterns?: unknown[];
}

export interface SnsEvent {
  type: 'sns';
  /** An existing topic; without it the framework creates topic `topicName`. */
  topicArn?: ArnValue;
  topicName?: string;
  displayName?: string;
  filterPolicy?: Record<string, unknown>;
  filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
}

export interface S3Event {
  type: 's3';
  bucket: string;
  /** Framework default `s3:ObjectCreated:*`. */
  event: string;
  rules: ({ prefix: string } | { suffix: string })[];
  /** The bucket exists already; the framework does not create it. */
  existing: boolean;
}

export interface ScheduleEvent {
  type: 'schedule';
  /** `rate(5 minutes)` or `cron(...)`; a list of rates becomes one event each. */
  rate: string;
  enabled: boolean;
  input?: unknown;
  name?: string;
  description?: string;
}

/** One CloudFormation resource as written under resources.Resources, variables resolved, intrinsics kept. */
export interface CfResource {
  logicalId: string;
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: 'Delete' | 'Retain' | 'RetainExceptOnCreate' | 'Snapshot';
  UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
  DependsOn?: string[];
  Condition?: string;
  Metadata?: Record<string, unknown>;
  CreationPolicy?: Record<string, unknown>;
  UpdatePolicy?: Record<string, unknown>;
}
