import { ServiceDefinitionError, type KeyPath } from './errors.js';
import { isDeferred } from './deferred.js';
import { isIntrinsic } from './intrinsics.js';
import type { ArnValue } from './model.js';

/** Typed reads of a resolved document: every failure names the file, the key path and what was expected. */
export class Fields {
  constructor(readonly file: string) {}

  fail(path: KeyPath, problem: string): never {
    throw new ServiceDefinitionError(this.file, path, problem);
  }

  isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === 'object' && !Array.isArray(value) && !isIntrinsic(value) && !isDeferred(value);
  }

  record(value: unknown, path: KeyPath): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (!this.isRecord(value)) this.fail(path, `must be a map of keys to values, got ${kindOf(value)}`);
    return value;
  }

  list(value: unknown, path: KeyPath): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(path, `must be a list, got ${kindOf(value)}`);
    return value;
  }

  string(value: unknown, path: KeyPath): string {
    if (typeof value !== 'string' || value === '') this.fail(path, `must be a non-empty string, got ${kindOf(value)}`);
    return value;
  }

  optString(value: unknown, path: KeyPath): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path);
  }

  /** Numbers written as text (`timeout: '30'` after a variable) are accepted, as the framework does. */
  optNumber(value: unknown, path: KeyPath, min: number, max: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    const n = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
      this.fail(path, `must be a number from ${min} to ${max}, got ${kindOf(value)}`);
    }
    return n;
  }

  optBoolean(value: unknown, path: KeyPath): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (value === 'true' || value === 'false') return value === 'true';
    if (typeof value !== 'boolean') this.fail(path, `must be true or false, got ${kindOf(value)}`);
    return value;
  }

  oneOf<T extends string>(value: unknown, path: KeyPath, allowed: readonly T[]): T {
    const s = typeof value === 'string' ? value : undefined;
    const match = allowed.find((a) => a === s) ?? allowed.find((a) => a.toLowerCase() === s?.toLowerCase());
    if (match === undefined) this.fail(path, `must be one of ${allowed.join(', ')}, got ${kindOf(value)}`);
    return match;
  }

  /** An ARN: literal text, a CloudFormation intrinsic, or a deploy-time reference. */
  arn(value: unknown, path: KeyPath): ArnValue {
    if (typeof value === 'string' && value !== '') return value;
    if (isIntrinsic(value) || isDeferred(value)) return value;
    return this.fail(path, `must be an ARN (text, an intrinsic such as Fn::GetAtt, or \${cf:stack.Output}), got ${kindOf(value)}`);
  }
}

export function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return isIntrinsic(value) ? `intrinsic ${Object.keys(value)[0]}` : 'a map';
  if (typeof value === 'string') return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}
