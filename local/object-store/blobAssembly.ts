/**
 * A new blob made of byte ranges of existing ones (a part copied from an object, an object assembled
 * from its parts), digested on the way. Streams from disk to disk: memory stays at a read buffer.
 */
import type { BlobStore } from './blobs.js';
import type { BodyDigests, ChecksumAlgorithm } from './checksums.js';
import { BodyDigester } from './checksums.js';

export interface BlobSlice {
  blob: string;
  /** Inclusive byte offsets; the whole blob when absent. */
  range?: { start: number; end: number };
}

export interface AssembledBlob extends BodyDigests {
  blob: string;
  size: number;
}

export async function assembleBlob(blobs: BlobStore, slices: BlobSlice[], algorithms: ChecksumAlgorithm[]): Promise<AssembledBlob> {
  const writer = await blobs.create();
  const digester = new BodyDigester(algorithms);
  let size = 0;
  try {
    for (const slice of slices) {
      if (slice.range && slice.range.end < slice.range.start) continue; // an empty range
      for await (const chunk of blobs.readStream(slice.blob, slice.range)) {
        const data = chunk as Buffer;
        size += data.length;
        digester.update(data);
        await writer.write(data);
      }
    }
    const blob = await writer.commit();
    return { ...digester.digest(), blob, size };
  } catch (e) {
    await writer.discard();
    throw e;
  }
}
