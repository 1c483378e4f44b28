import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyPath } from './errors.js';
import type { Fields } from './fields.js';
import { environment } from './environment.js';
import { functionEvents } from './events.js';
import type { FunctionDef, ProviderDef } from './model.js';

/** Module extensions a handler may have, in the order they are tried: sources before builds. */
export const HANDLER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs'] as const;

/** The framework's defaults when neither the function nor the provider sets them. */
const DEFAULT_TIMEOUT = 6;
const DEFAULT_MEMORY = 1024;

export interface FunctionScope {
  service: string;
  stage: string;
  dir: string;
  provider: ProviderDef;
}

export function functionDefs(raw: unknown, scope: FunctionScope, f: Fields): FunctionDef[] {
  return Object.entries(f.record(raw, ['functions'])).map(([key, value]) => functionDef(key, value, scope, f));
}

function functionDef(key: string, raw: unknown, scope: FunctionScope, f: Fields): FunctionDef {
  const at = ['functions', key];
  if (!/^[a-zA-Z0-9_-]+$/.test(key)) f.fail(at, 'function keys contain only letters, digits, - and _');
  const fn = f.record(raw, at);
  const handler = f.string(fn.handler, [...at, 'handler']);
  const name = f.optString(fn.name, [...at, 'name']) ?? `${scope.service}-${scope.stage}-${key}`;
  if (name.length > 64) f.fail(at, `the function name "${name}" is longer than Lambda's 64 characters; set a shorter name: or key`);
  const { file, exportName } = handlerModule(handler, key, scope.dir, [...at, 'handler'], f);
  return {
    key,
    name,
    handler,
    handlerFile: file,
    handlerExport: exportName,
    runtime: f.optString(fn.runtime, [...at, 'runtime']) ?? scope.provider.runtime,
    environment: { ...scope.provider.environment, ...environment(fn.environment, [...at, 'environment'], f) },
    timeout: f.optNumber(fn.timeout, [...at, 'timeout'], 1, 900) ?? scope.provider.timeout ?? DEFAULT_TIMEOUT,
    memorySize: f.optNumber(fn.memorySize, [...at, 'memorySize'], 128, 10240) ?? scope.provider.memorySize ?? DEFAULT_MEMORY,
    events: functionEvents(fn.events, [...at, 'events'], f),
  };
}

/** `src/trigger.handler` → the module `<dir>/src/trigger.ts` (or .js, ...) that exists, and export `handler`. */
function handlerModule(handler: string, key: string, dir: string, at: KeyPath, f: Fields): { file: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1 || handler.slice(dot).includes('/')) {
    f.fail(at, `"${handler}" must be <module path>.<export>, e.g. src/trigger.handler`);
  }
  const base = join(dir, handler.slice(0, dot));
  const candidates = HANDLER_EXTENSIONS.map((ext) => base + ext);
  const file = candidates.find(isFile);
  if (file === undefined) {
    f.fail(at, `no handler file for function "${key}" ("${handler}"); looked for ${base}${HANDLER_EXTENSIONS[0]} (or ${HANDLER_EXTENSIONS.slice(1).join(', ')}). Create the module or fix the handler path.`);
  }
  return { file, exportName: handler.slice(dot + 1) };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
