import { isAbsolute, relative } from 'node:path';

/** Where a value sits in a document: `functions.trigger.events[0].stream`. */
export type KeyPath = readonly (string | number)[];

export function formatPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

/** Files are named relative to the working directory when inside it: shorter, and clickable in a terminal. */
export function displayFile(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Every problem in a service definition names the file and the key path, so the user knows what to fix. */
export class ServiceDefinitionError extends Error {
  override name = 'ServiceDefinitionError';
  readonly keyPath: string;

  constructor(
    readonly file: string,
    path: KeyPath | string,
    readonly problem: string,
  ) {
    const keyPath = typeof path === 'string' ? path : formatPath(path);
    super(keyPath === '' ? `${displayFile(file)}: ${problem}` : `${displayFile(file)}: ${keyPath}: ${problem}`);
    this.keyPath = keyPath;
  }
}
