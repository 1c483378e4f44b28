import { randomBytes } from 'node:crypto';
import { RequestError } from './requestBody.js';

/** What an invalidation reaches: the front door's cache (local/front-door/responseCache.ts fits). */
export interface Invalidator {
  invalidate(paths: readonly string[]): number;
}

/** CloudFront's own limits: a path is at most 4,096 characters; 3,000 paths may be in progress at once. */
export const MAX_PATHS = 3_000;
const MAX_PATH_LENGTH = 4_096;
const MAX_CALLER_REFERENCE = 128;
// Answers kept for repeated CallerReferences (CloudFront keeps them; a bounded number does here).
const REMEMBERED = 1_000;

export interface Invalidation {
  Id: string;
  Status: 'Completed';
  CreateTime: string;
  InvalidationBatch: { Paths: { Quantity: number; Items: string[] }; CallerReference: string };
}

/**
 * CloudFront's CreateInvalidation, for the local front door's cache: the body CloudFront's API takes
 * (`{InvalidationBatch: {Paths: {Quantity, Items}, CallerReference}}`), the answer it gives
 * (`{Location, Invalidation: {Id, Status, CreateTime, InvalidationBatch}}`), `Completed` at once since
 * the cache is in this process. As on CloudFront, the same CallerReference with the same paths answers
 * the first invalidation again (a retried call invalidates once); with other paths it is refused.
 */
export function invalidations(invalidator: Invalidator, now: () => Date = () => new Date()) {
  const byReference = new Map<string, Invalidation>();
  return {
    create(body: unknown): { invalidation: Invalidation; created: boolean } {
      const batch = parseInvalidationBatch(body);
      const earlier = byReference.get(batch.CallerReference);
      if (earlier) {
        if (JSON.stringify(earlier.InvalidationBatch) !== JSON.stringify(batch)) {
          throw new RequestError(409, `CallerReference "${batch.CallerReference}" was used for another invalidation (InvalidationBatchAlreadyExists); send a new CallerReference`);
        }
        return { invalidation: earlier, created: false };
      }
      invalidator.invalidate(batch.Paths.Items);
      const invalidation: Invalidation = { Id: `I${randomBytes(10).toString('hex').toUpperCase()}`, Status: 'Completed', CreateTime: now().toISOString(), InvalidationBatch: batch };
      byReference.set(batch.CallerReference, invalidation);
      if (byReference.size > REMEMBERED) byReference.delete(byReference.keys().next().value!);
      return { invalidation, created: true };
    },
  };
}

export function parseInvalidationBatch(body: unknown): Invalidation['InvalidationBatch'] {
  const batch = field(body, 'InvalidationBatch');
  const paths = field(batch, 'Paths');
  const items = field(paths, 'Items');
  const quantity = field(paths, 'Quantity');
  const reference = field(batch, 'CallerReference');
  if (batch === undefined || paths === undefined) throw new RequestError(400, 'send {"InvalidationBatch": {"Paths": {"Quantity": n, "Items": ["/path", "/prefix*"]}, "CallerReference": "unique"}}');
  if (!Array.isArray(items) || items.length === 0 || !items.every((p) => typeof p === 'string')) throw new RequestError(400, 'InvalidationBatch.Paths.Items must be a non-empty list of paths');
  if (items.length > MAX_PATHS) throw new RequestError(400, `${items.length} paths; at most ${MAX_PATHS} per invalidation (use a * wildcard)`);
  if (quantity !== items.length) throw new RequestError(400, 'InvalidationBatch.Paths.Quantity must be the number of Items (InconsistentQuantities)');
  for (const [i, path] of (items as string[]).entries()) {
    if (!path.startsWith('/') || path.length > MAX_PATH_LENGTH || /[\u0000-\u001f\u007f]/.test(path)) {
      throw new RequestError(400, `Paths.Items[${i}] must start with / and be at most ${MAX_PATH_LENGTH} characters without control characters`);
    }
    if (path.indexOf('*') !== -1 && path.indexOf('*') !== path.length - 1) throw new RequestError(400, `Paths.Items[${i}]: a * wildcard may only end a path`);
  }
  if (typeof reference !== 'string' || reference.length === 0 || reference.length > MAX_CALLER_REFERENCE) {
    throw new RequestError(400, `InvalidationBatch.CallerReference must be a string of 1-${MAX_CALLER_REFERENCE} characters, unique per invalidation`);
  }
  return { Paths: { Quantity: items.length, Items: [...(items as string[])] }, CallerReference: reference };
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}
