import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withServiceDirLock } from '../package/serviceDirLock.js';

describe('one osls run per service folder, across processes', () => {
  it('runs work on the same folder one after the other, telling the second it waits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-lock-'));
    const events: string[] = [];
    let waited = 0;
    const job = (name: string) =>
      withServiceDirLock(dir, () => waited++, async () => {
        events.push(`${name} start`);
        await new Promise((r) => setTimeout(r, 50));
        events.push(`${name} end`);
      });
    await Promise.all([job('a'), job('b')]);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
    expect(waited).toBe(1);
  });

  it('takes over a lock whose process is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-lock-'));
    const lock = join(tmpdir(), 'meridian-osls-locks', createHash('sha256').update(dir).digest('hex').slice(0, 16));
    mkdirSync(lock, { recursive: true });
    writeFileSync(join(lock, 'owner'), '999999999\n');
    let waited = false;
    await expect(withServiceDirLock(dir, () => (waited = true), async () => 'ran')).resolves.toBe('ran');
    expect(waited).toBe(false);
  });
});
