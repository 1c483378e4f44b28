import { KinesisError } from './errors.js';

/** A decoded JSON request body. */
export type Input = Record<string, unknown>;

const validation = (message: string): KinesisError => new KinesisError('ValidationException', message);

export function optionalString(input: Input, key: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw validation(`${key} must be a string`);
  return v;
}

export function requiredString(input: Input, key: string): string {
  const v = optionalString(input, key);
  if (v === undefined) throw validation(`1 validation error detected: Value null at '${lowerFirst(key)}' failed to satisfy constraint: Member must not be null`);
  return v;
}

export function optionalInt(input: Input, key: string, min: number, max: number): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw validation(`${key} must be an integer`);
  if (v < min || v > max) {
    throw validation(`1 validation error detected: Value '${v}' at '${lowerFirst(key)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  }
  return v;
}

export function optionalNumber(input: Input, key: string): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') throw validation(`${key} must be a number`);
  return v;
}

export function optionalObject(input: Input, key: string): Input | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw validation(`${key} must be an object`);
  return v as Input;
}

export function requiredArray(input: Input, key: string): Input[] {
  const v = input[key];
  if (!Array.isArray(v)) throw validation(`${key} must be a list`);
  return v.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) throw validation(`${key} entries must be objects`);
    return item as Input;
  });
}

/** Blobs travel base64 in AWS JSON 1.1. */
export function requiredBlob(input: Input, key: string): Buffer {
  const v = requiredString(input, key);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw validation(`${key} is not valid base64`);
  return Buffer.from(v, 'base64');
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
