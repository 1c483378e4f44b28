/**
 * Object bytes on disk, one file per stored version or multipart part, named by a random id: a key
 * never becomes a path, so `../` keys cannot escape. Files are written as the bytes arrive (never held
 * whole in memory) and fsynced, with their directory, before the metadata row that points at them
 * commits, so an acknowledged write survives kill -9.
 */
import { randomBytes } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { createReadStream, mkdirSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { link, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';

/** A blob being written: append, then commit (fsync) or discard. */
export interface BlobWriter {
  readonly id: string;
  write(chunk: Buffer): Promise<void>;
  /** Flushes to disk; the id may then be referenced by a committed row. */
  commit(): Promise<string>;
  /** Removes the partial file (errors ignored: a leftover is swept at the next start). */
  discard(): Promise<void>;
}

const WRITE_BATCH_BYTES = 1024 * 1024;

export class BlobStore {
  constructor(private readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  private pathOf(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`not a blob id: ${id}`);
    return join(this.root, id.slice(0, 2), id);
  }

  private async newId(): Promise<{ id: string; dir: string }> {
    const id = randomBytes(16).toString('hex');
    const dir = join(this.root, id.slice(0, 2));
    await mkdir(dir, { recursive: true });
    return { id, dir };
  }

  /** Starts a new blob file to be filled chunk by chunk. */
  async create(): Promise<BlobWriter> {
    const { id, dir } = await this.newId();
    const path = this.pathOf(id);
    const file: FileHandle = await open(path, 'wx');
    let closed = false;
    const closeOnce = async () => {
      if (closed) return;
      closed = true;
      await file.close();
    };
    // Socket reads arrive in 16-64 KiB pieces; gathering them saves a syscall per piece.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const data = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      let offset = 0;
      while (offset < data.length) offset += (await file.write(data, offset)).bytesWritten;
    };
    return {
      id,
      async write(chunk) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= WRITE_BATCH_BYTES) await flush();
      },
      async commit() {
        await flush();
        await file.sync();
        await closeOnce();
        await syncDir(dir);
        return id;
      },
      async discard() {
        await closeOnce().catch(() => undefined);
        rmSync(path, { force: true });
      },
    };
  }

  /** Writes and fsyncs a new blob from a buffer; returns its id. */
  async write(data: Buffer): Promise<string> {
    const writer = await this.create();
    try {
      await writer.write(data);
      return await writer.commit();
    } catch (e) {
      await writer.discard();
      throw e;
    }
  }

  /** A new blob with the same bytes (a hard link: copies are instant and never mutate). */
  async duplicate(sourceId: string): Promise<string> {
    const { id, dir } = await this.newId();
    await link(this.pathOf(sourceId), this.pathOf(id));
    await syncDir(dir);
    return id;
  }

  /** Bytes start..end (inclusive) of a blob, streamed from disk. */
  readStream(id: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(id), range ? { start: range.start, end: range.end } : {});
  }

  /** Removes a blob no row points at any more; a leftover is only wasted space, so errors are ignored. */
  remove(id: string): void {
    try {
      unlinkSync(this.pathOf(id));
    } catch {
      // already gone
    }
  }

  /** Deletes blobs no metadata row references (left by a crash between the blob write and the commit). */
  sweep(isReferenced: (id: string) => boolean): number {
    let removed = 0;
    for (const shard of readdirSync(this.root)) {
      const dir = join(this.root, shard);
      for (const id of readdirSync(dir)) {
        if (!isReferenced(id)) {
          rmSync(join(dir, id), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
