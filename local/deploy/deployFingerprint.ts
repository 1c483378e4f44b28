import { createHash, type Hash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { RegionConfig } from '../../regions/config.js';
import type { ServiceDefinition } from '../../orchestrator/service-definition/index.js';

/** Bumped when what goes into a fingerprint changes, so records written by an older scheme never match. */
const SCHEME = 'meridian-deploy-fingerprint/3';

export interface DeployInputs {
  def: ServiceDefinition;
  stage: string;
  region: RegionConfig;
  /** MERIDIAN_* values every function gets (they name every region's endpoints, not only this one's). */
  regionEnvironment: Record<string, string>;
  /** The values of the exports it imports (`Fn::ImportValue`), by export name; see LocalDeployer.fingerprint. */
  imports: Record<string, string | null>;
  /** projectFingerprint() of the code the handlers can load. */
  code: string;
}

/** Everything a local deploy's outcome depends on, as one hash: equal hashes, equal deploys. */
export function deployFingerprint(inputs: DeployInputs): string {
  return createHash('sha256').update(SCHEME).update('\0').update(stableJson(inputs)).digest('hex');
}

export interface ProjectFiles {
  /** Directories walked whole (the repository root; a service directory outside it). */
  roots: string[];
  /** Single files stat'ed wherever they are (handler modules, node_modules/.package-lock.json). */
  files: string[];
  /** Directories never walked (the state dir: it changes all the time and holds no code). */
  skip: string[];
}

/**
 * The code handlers can import, conservatively: path, size and mtime of every file under the roots,
 * skipping node_modules, dot-directories (.git, .meridian, ...) and the skipped directories. Handlers
 * import across the repository (services/, replication/, local/), so any change anywhere counts.
 * Dependencies are covered by package-lock.json (a file of the root) and node_modules/.package-lock.json,
 * which npm rewrites whenever it changes node_modules. Contents are not read: a stat is enough to notice
 * an edit, and a few hundred stats take a few ms.
 */
export function projectFingerprint(project: ProjectFiles): string {
  const hash = createHash('sha256');
  const skip = new Set(project.skip.map((d) => resolve(d)));
  const roots = [...new Set(project.roots.map((r) => resolve(r)))].sort();
  for (const root of roots) {
    hash.update(`root\0${root}\n`);
    walk(root, root, skip, hash);
  }
  for (const file of [...new Set(project.files.map((f) => resolve(f)))].sort()) addFile(hash, file, file);
  return hash.digest('hex');
}

/** Whether `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

function walk(root: string, dir: string, skip: Set<string>, hash: Hash): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    hash.update(`unreadable\0${relative(root, dir)}\n`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name.startsWith('.') || e.name === 'node_modules' || skip.has(path)) continue;
      walk(root, path, skip, hash);
    } else {
      // Files, and symlinks by what they point at (not followed into: no cycles).
      addFile(hash, relative(root, path), path);
    }
  }
}

function addFile(hash: Hash, name: string, path: string): void {
  try {
    const s = statSync(path);
    hash.update(`${name}\0${s.size}\0${s.mtimeMs}\n`);
  } catch {
    hash.update(`${name}\0missing\n`);
  }
}

/** JSON with object keys sorted at every level, so equal values always serialise the same way. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const withJson = value as { toJSON?: unknown };
  if (typeof withJson.toJSON === 'function') return sortKeys((withJson.toJSON as () => unknown).call(value));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
