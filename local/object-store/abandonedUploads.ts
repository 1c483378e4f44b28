/**
 * Multipart uploads nobody completes or aborts would keep their parts on disk for ever. S3 leaves that
 * to a lifecycle rule (AbortIncompleteMultipartUpload); here an age limit is swept at start and then
 * periodically, so a crashed client's parts do not pile up under .meridian/.
 */
import type { BlobStore } from './blobs.js';
import type { MetadataStore } from './store.js';

export const DEFAULT_ABANDONED_UPLOAD_AGE_MS = 24 * 60 * 60 * 1000;

/** Removes uploads initiated more than maxAgeMs ago, with their parts; returns how many. */
export function sweepAbandonedUploads(store: MetadataStore, blobs: BlobStore, maxAgeMs: number, now = Date.now()): number {
  const { uploads, parts } = store.transaction(() => {
    const old = store.uploads.olderThan(now - maxAgeMs);
    return { uploads: old.length, parts: old.flatMap((u) => store.uploads.remove(u.uploadId)) };
  });
  for (const p of parts) blobs.remove(p.blob);
  return uploads;
}

/** Sweeps now and then every half age (at most hourly); stop() before closing the store. */
export function startAbandonedUploadSweeper(store: MetadataStore, blobs: BlobStore, maxAgeMs: number, log: (m: string) => void): { stop(): void } {
  const sweep = () => {
    try {
      sweepAbandonedUploads(store, blobs, maxAgeMs);
    } catch (e) {
      log(`object-store: sweeping abandoned multipart uploads failed: ${String(e)}`);
    }
  };
  sweep();
  const timer = setInterval(sweep, Math.max(50, Math.min(maxAgeMs / 2, 60 * 60 * 1000)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
