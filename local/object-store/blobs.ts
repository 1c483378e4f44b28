/**
 * Object bytes on disk, one file per stored version, named by a random id: a key never becomes a
 * path, so `../` keys cannot escape. Files are fsynced (and their directory) before the metadata row
 * that points at them commits, so an acknowledged write survives kill -9.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export class BlobStore {
  constructor(private readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  private pathOf(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`not a blob id: ${id}`);
    return join(this.root, id.slice(0, 2), id);
  }

  /** Writes and fsyncs a new blob; returns its id. */
  async write(data: Buffer): Promise<string> {
    const id = randomBytes(16).toString('hex');
    const dir = join(this.root, id.slice(0, 2));
    await mkdir(dir, { recursive: true });
    const file = await open(this.pathOf(id), 'wx');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await syncDir(dir);
    return id;
  }

  /** A new blob with the same bytes (a hard link: copies are instant and never mutate). */
  async duplicate(sourceId: string): Promise<string> {
    const id = randomBytes(16).toString('hex');
    const dir = join(this.root, id.slice(0, 2));
    await mkdir(dir, { recursive: true });
    await link(this.pathOf(sourceId), this.pathOf(id));
    await syncDir(dir);
    return id;
  }

  read(id: string): Promise<Buffer> {
    return readFile(this.pathOf(id));
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
