import type { CfIntrinsic } from './intrinsics.js';

/**
 * Values only deploy time can answer (another stack's output, a parameter in SSM, an object in S3).
 * They are kept as typed references; each target looks them up its own way.
 */
export type DeferredRef =
  | { kind: 'cf'; stack: string; output: string; region?: string; fallback?: unknown }
  | { kind: 'ssm'; name: string; region?: string; raw?: boolean; fallback?: unknown }
  | { kind: 's3'; bucket: string; key: string; fallback?: unknown };

/** A string built from literal text and references, e.g. `arn:${cf:stack.Out}/stream`. */
export interface DeferredConcat {
  kind: 'concat';
  parts: (string | DeferredRef | CfIntrinsic)[];
}

export type DeferredValue = DeferredRef | DeferredConcat;

export function isDeferred(value: unknown): value is DeferredValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  switch (v.kind) {
    case 'cf':
      return typeof v.stack === 'string' && typeof v.output === 'string';
    case 'ssm':
      return typeof v.name === 'string';
    case 's3':
      return typeof v.bucket === 'string' && typeof v.key === 'string';
    case 'concat':
      return Array.isArray(v.parts);
    default:
      return false;
  }
}
