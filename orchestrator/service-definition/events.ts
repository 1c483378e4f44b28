import type { KeyPath } from './errors.js';
import { kindOf, type Fields } from './fields.js';
import { isDeferred } from './deferred.js';
import { isIntrinsic } from './intrinsics.js';
import type { FunctionEvent, HttpEvent, S3Event, ScheduleEvent, SnsEvent, StreamEvent } from './model.js';

/**
 * The five event types Meridian runs in both targets, in every form the framework documents,
 * short (`- http: GET hello`, `- stream: arn:...`, `- sns: topic`, `- s3: bucket`) and long.
 */
export const EVENT_TYPES = ['http', 'stream', 'sns', 's3', 'schedule'] as const;

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;

export function functionEvents(raw: unknown, path: KeyPath, f: Fields): FunctionEvent[] {
  return f.list(raw, path).flatMap((entry, i): FunctionEvent[] => {
    const at = [...path, i];
    const map = f.record(entry, at);
    const types = Object.keys(map);
    if (types.length !== 1) f.fail(at, `each event is a map with one key, its type (${EVENT_TYPES.join(', ')}); got ${types.length === 0 ? 'none' : types.join(', ')}`);
    const type = types[0]!;
    const value = map[type];
    const vat = [...at, type];
    switch (type) {
      case 'http':
        return [httpEvent(value, vat, f)];
      case 'stream':
        return [streamEvent(value, vat, f)];
      case 'sns':
        return [snsEvent(value, vat, f)];
      case 's3':
        return [s3Event(value, vat, f)];
      case 'schedule':
        return scheduleEvents(value, vat, f);
      default:
        return f.fail(at, `event type "${type}" is not supported by Meridian (supported: ${EVENT_TYPES.join(', ')})`);
    }
  });
}

function httpEvent(value: unknown, at: KeyPath, f: Fields): HttpEvent {
  if (typeof value === 'string') {
    const words = value.trim().split(/\s+/);
    if (words.length !== 2) f.fail(at, `write the short form as "METHOD path" (e.g. "GET hello"), got "${value}"`);
    return { type: 'http', method: method(words[0], at, f), path: httpPath(words[1]!) };
  }
  const map = f.record(value, at);
  const event: HttpEvent = {
    type: 'http',
    method: method(map.method, [...at, 'method'], f),
    path: httpPath(f.string(map.path, [...at, 'path'])),
  };
  if (map.cors !== undefined) {
    event.cors = typeof map.cors === 'boolean' ? map.cors : f.record(map.cors, [...at, 'cors']);
  }
  const isPrivate = f.optBoolean(map.private, [...at, 'private']);
  if (isPrivate !== undefined) event.private = isPrivate;
  if (map.authorizer !== undefined) event.authorizer = map.authorizer;
  return event;
}

function method(value: unknown, at: KeyPath, f: Fields): string {
  return f.oneOf(value, at, HTTP_METHODS);
}

/** `hello/`, `/hello` and `hello` are the same path to API Gateway; keep one spelling. */
function httpPath(path: string): string {
  const trimmed = path.trim().replace(/^\/+|\/+$/g, '');
  return `/${trimmed}`;
}

function streamEvent(value: unknown, at: KeyPath, f: Fields): StreamEvent {
  if (typeof value === 'string') {
    return { type: 'stream', source: sourceOfArn(value, at, f), arn: value, batchSize: 10, startingPosition: 'TRIM_HORIZON', enabled: true };
  }
  if (isIntrinsic(value) || isDeferred(value)) {
    f.fail(at, `an ARN that is not literal text needs the long form with its type: { type: dynamodb | kinesis, arn: ... }`);
  }
  const map = f.record(value, at);
  const arn = f.arn(map.arn, [...at, 'arn']);
  const source =
    map.type !== undefined
      ? f.oneOf(map.type, [...at, 'type'], ['dynamodb', 'kinesis'] as const)
      : typeof arn === 'string'
        ? sourceOfArn(arn, [...at, 'arn'], f)
        : f.fail([...at, 'type'], 'is required when arn is not literal text: dynamodb or kinesis');
  const event: StreamEvent = {
    type: 'stream',
    source,
    arn,
    batchSize: f.optNumber(map.batchSize, [...at, 'batchSize'], 1, 10000) ?? 10,
    startingPosition:
      map.startingPosition === undefined
        ? 'TRIM_HORIZON'
        : f.oneOf(map.startingPosition, [...at, 'startingPosition'], ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'] as const),
    enabled: f.optBoolean(map.enabled, [...at, 'enabled']) ?? true,
  };
  const numbers = [
    ['startingPositionTimestamp', 0, Number.MAX_SAFE_INTEGER],
    ['maximumRetryAttempts', -1, 10000],
    ['maximumRecordAgeInSeconds', -1, 604800],
    ['parallelizationFactor', 1, 10],
    ['batchWindow', 0, 300],
  ] as const;
  for (const [key, min, max] of numbers) {
    const n = f.optNumber(map[key], [...at, key], min, max);
    if (n !== undefined) event[key] = n;
  }
  if (event.startingPosition === 'AT_TIMESTAMP' && event.startingPositionTimestamp === undefined) {
    f.fail([...at, 'startingPositionTimestamp'], 'is required when startingPosition is AT_TIMESTAMP');
  }
  const bisect = f.optBoolean(map.bisectBatchOnFunctionError, [...at, 'bisectBatchOnFunctionError']);
  if (bisect !== undefined) event.bisectBatchOnFunctionError = bisect;
  if (map.functionResponseType !== undefined) {
    event.functionResponseType = f.oneOf(map.functionResponseType, [...at, 'functionResponseType'], ['ReportBatchItemFailures'] as const);
  }
  if (map.filterPatterns !== undefined) event.filterPatterns = f.list(map.filterPatterns, [...at, 'filterPatterns']);
  const destinations = f.record(map.destinations, [...at, 'destinations']);
  if (destinations.onFailure !== undefined) {
    const dat = [...at, 'destinations', 'onFailure'];
    const onFailure = destinations.onFailure;
    event.onFailure = f.isRecord(onFailure) ? f.arn(onFailure.arn, [...dat, 'arn']) : f.arn(onFailure, dat);
  }
  return event;
}

function sourceOfArn(arn: string, at: KeyPath, f: Fields): 'dynamodb' | 'kinesis' {
  const service = /^arn:[\w-]+:(dynamodb|kinesis):/.exec(arn)?.[1];
  if (service === 'dynamodb' || service === 'kinesis') return service;
  return f.fail(at, `"${arn}" is not a DynamoDB or Kinesis stream ARN; use the long form with type: dynamodb | kinesis`);
}

function snsEvent(value: unknown, at: KeyPath, f: Fields): SnsEvent {
  if (typeof value === 'string') {
    if (value.startsWith('arn:')) return { type: 'sns', topicArn: value, topicName: value.slice(value.lastIndexOf(':') + 1) };
    return { type: 'sns', topicName: f.string(value, at) };
  }
  if (isIntrinsic(value) || isDeferred(value)) return { type: 'sns', topicArn: value };
  const map = f.record(value, at);
  const event: SnsEvent = { type: 'sns' };
  if (map.arn !== undefined) event.topicArn = f.arn(map.arn, [...at, 'arn']);
  const topicName = f.optString(map.topicName, [...at, 'topicName']);
  if (topicName !== undefined) event.topicName = topicName;
  else if (typeof event.topicArn === 'string') event.topicName = event.topicArn.slice(event.topicArn.lastIndexOf(':') + 1);
  if (event.topicArn === undefined && event.topicName === undefined) f.fail(at, 'needs arn (an existing topic) or topicName (a topic to create)');
  const displayName = f.optString(map.displayName, [...at, 'displayName']);
  if (displayName !== undefined) event.displayName = displayName;
  if (map.filterPolicy !== undefined) event.filterPolicy = f.record(map.filterPolicy, [...at, 'filterPolicy']);
  if (map.filterPolicyScope !== undefined) {
    event.filterPolicyScope = f.oneOf(map.filterPolicyScope, [...at, 'filterPolicyScope'], ['MessageAttributes', 'MessageBody'] as const);
  }
  return event;
}

function s3Event(value: unknown, at: KeyPath, f: Fields): S3Event {
  if (typeof value === 'string') return { type: 's3', bucket: f.string(value, at), event: 's3:ObjectCreated:*', rules: [], existing: false };
  const map = f.record(value, at);
  const event = f.optString(map.event, [...at, 'event']) ?? 's3:ObjectCreated:*';
  if (!event.startsWith('s3:')) f.fail([...at, 'event'], `must be an S3 event type such as s3:ObjectCreated:*, got "${event}"`);
  const rules = f.list(map.rules, [...at, 'rules']).map((rule, i) => {
    const rat = [...at, 'rules', i];
    const r = f.record(rule, rat);
    const keys = Object.keys(r);
    if (keys.length !== 1 || (keys[0] !== 'prefix' && keys[0] !== 'suffix')) f.fail(rat, `must be { prefix: ... } or { suffix: ... }, got ${kindOf(rule)} with ${keys.join(', ')}`);
    const key = keys[0];
    const text = f.string(r[key], [...rat, key]);
    return key === 'prefix' ? { prefix: text } : { suffix: text };
  });
  return {
    type: 's3',
    bucket: f.string(map.bucket, [...at, 'bucket']),
    event,
    rules,
    existing: f.optBoolean(map.existing, [...at, 'existing']) ?? false,
  };
}

function scheduleEvents(value: unknown, at: KeyPath, f: Fields): ScheduleEvent[] {
  if (typeof value === 'string') return [{ type: 'schedule', rate: rate(value, at, f), enabled: true }];
  const map = f.record(value, at);
  const rates = Array.isArray(map.rate) ? map.rate.map((r, i) => rate(r, [...at, 'rate', i], f)) : [rate(map.rate, [...at, 'rate'], f)];
  const enabled = f.optBoolean(map.enabled, [...at, 'enabled']) ?? true;
  const name = f.optString(map.name, [...at, 'name']);
  const description = f.optString(map.description, [...at, 'description']);
  return rates.map((r) => {
    const event: ScheduleEvent = { type: 'schedule', rate: r, enabled };
    if (map.input !== undefined) event.input = map.input;
    if (name !== undefined) event.name = name;
    if (description !== undefined) event.description = description;
    return event;
  });
}

function rate(value: unknown, at: KeyPath, f: Fields): string {
  const text = f.string(value, at);
  if (!/^(rate|cron)\(.+\)$/.test(text.trim())) f.fail(at, `must be rate(...) or cron(...), e.g. rate(5 minutes), got "${text}"`);
  return text.trim();
}
