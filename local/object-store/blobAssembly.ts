/**
 * A new blob made of byte ranges of existing ones (a part copied from an object, an object assembled
 * from its parts), digested on the way when asked. Streams from disk to disk: memory stays at a read
 * buffer.
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

/** Joins the slices and digests them (MD5, CRC32 and the given algorithms). */
export async function assembleBlob(blobs: BlobStore, slices: BlobSlice[], algorithms: ChecksumAlgorithm[]): Promise<AssembledBlob> {
  const digester = new BodyDigester(algorithms);
  const { blob, size } = await joinSlices(blobs, slices, (data) => digester.update(data));
  return { ...digester.digest(), blob, size };
}

/** Joins the slices without reading them for digests (a completed upload's parts were digested as they came in). */
export async function joinSlices(blobs: BlobStore, slices: BlobSlice[], onData: (data: Buffer) => void = () => {}): Promise<{ blob: string; size: number }> {
  const writer = await blobs.create();
  let size = 0;
  try {
    for (const slice of slices) {
      if (slice.range && slice.range.end < slice.range.start) continue; // an empty range
      for await (const chunk of blobs.readStream(slice.blob, slice.range)) {
        const data = chunk as Buffer;
        size += data.length;
        onData(data);
        await writer.write(data);
      }
    }
    return { blob: await writer.commit(), size };
  } catch (e) {
    await writer.discard();
    throw e;
  }
}
