import { describe, expect, it } from 'vitest';
import { zipArchive } from '../bundle/zipArchive.js';
import { readZip } from './support/readZip.js';

describe('zipArchive: the artifact Lambda unpacks', () => {
  it('holds every entry, deflated, readable, with its permissions', () => {
    const zip = zipArchive([
      { name: 'src/b.mjs', data: Buffer.from('export const b = 2;\n'.repeat(50)) },
      { name: 'src/a.mjs', data: Buffer.from('export const a = 1;\n'), mode: 0o755 },
    ]);
    expect(readZip(zip)).toEqual([
      { name: 'src/a.mjs', text: 'export const a = 1;\n', mode: 0o100755 },
      { name: 'src/b.mjs', text: 'export const b = 2;\n'.repeat(50), mode: 0o100644 },
    ]);
  });

  it('is the same bytes for the same code (osls then skips unchanged functions)', () => {
    const entries = [{ name: 'src/a.mjs', data: Buffer.from('x') }];
    expect(zipArchive(entries).equals(zipArchive([...entries]))).toBe(true);
  });
});
