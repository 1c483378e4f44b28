import { extname, resolve } from 'node:path';
import { isDeferred, type DeferredRef, type DeferredValue } from './deferred.js';
import { ServiceDefinitionError, displayFile, formatPath, type KeyPath } from './errors.js';
import { isIntrinsic, type CfIntrinsic } from './intrinsics.js';
import { TemplateSyntaxError, hasVariables, parseTemplate, type SourceExpr, type Template, type VariableExpr } from './template.js';
import type { YamlFiles } from './yamlFile.js';

/** Everything variables can read, besides the document itself. */
export interface VariableContext {
  /** The serverless.yml being loaded (absolute). */
  file: string;
  /** `${file(...)}` paths are relative to this directory, as in the framework. */
  serviceDir: string;
  stage: string;
  region: string;
  /** Further command-line options for `${opt:...}` (stage and region come from above). */
  options: Readonly<Record<string, string | boolean>>;
  env: Readonly<Record<string, string | undefined>>;
  files: YamlFiles;
  /** Meridian's own values (`${meridian:region.next}`); read only when a variable asks. */
  meridian: () => Record<string, unknown>;
}

export const VARIABLE_SOURCES = ['opt', 'self', 'env', 'file', 'cf', 'ssm', 's3', 'sls', 'aws', 'meridian'] as const;

interface Where {
  file: string;
  path: KeyPath;
}

type Lookup = { found: true; value: unknown } | { found: false; reason: string };

/** Resolves every variable in `doc` in place and returns it. */
export function resolveVariables(doc: Record<string, unknown>, ctx: VariableContext): Record<string, unknown> {
  new Resolver(doc, ctx).resolveSubtree([]);
  return doc;
}

type Container = Record<string, unknown> | unknown[];

class Resolver {
  /** Variables being resolved right now, outermost first: a repeat is a cycle. */
  private readonly active: { key: string; label: string }[] = [];
  private meridianCache: Record<string, unknown> | undefined;

  constructor(
    private readonly root: Record<string, unknown>,
    private readonly ctx: VariableContext,
  ) {}

  /** Resolves the value at `path` and everything below it; undefined when there is no such key. */
  resolveSubtree(path: KeyPath): unknown {
    const found = this.resolvePath(path);
    if (!found.found) return undefined;
    const node = found.value;
    if (Array.isArray(node)) node.forEach((_, i) => this.resolveSubtree([...path, i]));
    else if (isRecord(node)) for (const key of Object.keys(node)) this.resolveSubtree([...path, key]);
    return this.get(path);
  }

  /** Walks from the root, resolving any variable met on the way (`custom: ${file(x.yml)}` before `custom.a`). */
  private resolvePath(path: KeyPath): Lookup {
    let node: unknown = this.root;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const child = childOf(node, key);
      if (child === undefined) return { found: false, reason: missingReason(node, path.slice(0, i), key) };
      const here = path.slice(0, i + 1);
      node = typeof child === 'string' && hasVariables(child) ? this.resolveLeaf(here, child) : child;
    }
    return { found: true, value: node };
  }

  private resolveLeaf(path: KeyPath, text: string): unknown {
    const where = { file: this.ctx.file, path };
    const value = this.guarded(`self:${formatPath(path)}`, formatPath(path), where, () => this.evaluate(text, where));
    const parent = this.get(path.slice(0, -1)) as Container;
    const key = path[path.length - 1]!;
    if (Array.isArray(parent)) parent[Number(key)] = value;
    else parent[String(key)] = value;
    return value;
  }

  private get(path: KeyPath): unknown {
    let node: unknown = this.root;
    for (const key of path) node = childOf(node, key);
    return node;
  }

  /** Runs `work` with `key` marked active, so reaching `key` again from inside it reports the cycle. */
  private guarded<T>(key: string, label: string, where: Where, work: () => T): T {
    const at = this.active.findIndex((a) => a.key === key);
    if (at >= 0) {
      const chain = [...this.active.slice(at).map((a) => a.label), label].join(' → ');
      throw new ServiceDefinitionError(
        where.file,
        where.path,
        `variables refer to each other in a cycle: ${chain}. Give one of them a value that does not depend on the others.`,
      );
    }
    this.active.push({ key, label });
    try {
      return work();
    } finally {
      this.active.pop();
    }
  }

  private evaluate(text: string, where: Where): unknown {
    let template: Template;
    try {
      template = parseTemplate(text);
    } catch (e) {
      if (e instanceof TemplateSyntaxError) throw new ServiceDefinitionError(where.file, where.path, e.message);
      throw e;
    }
    return this.evaluateTemplate(template, where);
  }

  /** A value that is one variable keeps its type (number, object, reference); otherwise the parts make a string. */
  private evaluateTemplate(template: Template, where: Where): unknown {
    const only = template[0];
    if (template.length === 1 && only !== undefined && typeof only !== 'string') return this.evaluateExpr(only, where);
    const parts = template.map((part) => (typeof part === 'string' ? part : this.evaluateExpr(part, where)));
    return this.join(parts, template, where);
  }

  private join(parts: unknown[], template: Template, where: Where): unknown {
    const out: (string | DeferredRef | CfIntrinsic)[] = [];
    let deferred = false;
    const push = (part: string | DeferredRef | CfIntrinsic) => {
      const last = out[out.length - 1];
      if (typeof part === 'string' && typeof last === 'string') out[out.length - 1] = last + part;
      else out.push(part);
    };
    parts.forEach((part, i) => {
      if (typeof part === 'string' || typeof part === 'number' || typeof part === 'boolean') push(String(part));
      else if (isDeferred(part)) {
        deferred = true;
        if (part.kind === 'concat') part.parts.forEach(push);
        else push(part);
      } else if (isIntrinsic(part)) push(part);
      else {
        const expr = template[i] as VariableExpr;
        throw new ServiceDefinitionError(
          where.file,
          where.path,
          `${expr.raw} gives ${Array.isArray(part) ? 'a list' : 'an object'}, which cannot be part of a text; use it as the whole value or point at one of its keys`,
        );
      }
    });
    if (out.every((p) => typeof p === 'string')) return out.join('');
    // Intrinsics alone join the CloudFormation way; a deferred reference needs the target to fill it in first.
    if (deferred) return { kind: 'concat', parts: out } satisfies DeferredValue;
    return { 'Fn::Join': ['', out] } satisfies CfIntrinsic;
  }

  private evaluateExpr(expr: VariableExpr, where: Where): unknown {
    const reasons: string[] = [];
    for (let i = 0; i < expr.sources.length; i++) {
      const looked = this.evaluateSource(expr.sources[i]!, where, expr);
      if (looked.found && looked.value !== null && looked.value !== undefined) {
        const rest = expr.sources.slice(i + 1);
        if (isDeferred(looked.value) && looked.value.kind !== 'concat' && rest.length > 0) {
          // Only deploy time knows whether the reference has a value; keep the fallback for when it has not.
          const fallback = this.evaluateExpr({ raw: expr.raw, sources: rest }, where);
          return { ...looked.value, fallback };
        }
        return looked.value;
      }
      reasons.push(looked.found ? `${describe(expr.sources[i]!)} is null` : looked.reason);
    }
    throw new ServiceDefinitionError(where.file, where.path, `cannot resolve ${expr.raw}: ${reasons.join('; ')}`);
  }

  private text(template: Template, where: Where, expr: VariableExpr, what: string): string {
    const value = this.evaluateTemplate(template, where);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new ServiceDefinitionError(
      where.file,
      where.path,
      `${expr.raw}: the ${what} must be text known when the file is loaded, but a variable in it gives ${isDeferred(value) ? 'a deploy-time reference' : 'an object'}`,
    );
  }

  private evaluateSource(source: SourceExpr, where: Where, expr: VariableExpr): Lookup {
    if (source.kind === 'literal') return { found: true, value: source.value };
    const params = source.params === undefined ? undefined : this.text(source.params, where, expr, 'parameter');
    const address = this.text(source.address, where, expr, 'address');
    const fail = (problem: string): never => {
      throw new ServiceDefinitionError(where.file, where.path, `${expr.raw}: ${problem}`);
    };
    switch (source.type) {
      case 'opt': {
        const value = address === 'stage' ? this.ctx.stage : address === 'region' ? this.ctx.region : this.ctx.options[address];
        return value === undefined ? { found: false, reason: `no --${address} option was given` } : { found: true, value };
      }
      case 'env': {
        const value = this.ctx.env[address];
        return value === undefined ? { found: false, reason: `environment variable ${address} is not set` } : { found: true, value };
      }
      case 'self': {
        if (address === '') fail('name a key, as in ${self:custom.tableName}');
        const path = address.split('.');
        const looked = this.resolvePath(path);
        if (!looked.found) return { found: false, reason: `${address} is not set (${looked.reason})` };
        return { found: true, value: structuredClone(this.resolveSubtree(path)) };
      }
      case 'file':
        return this.fromFile(params, address, where, fail);
      case 'cf': {
        const dot = address.indexOf('.');
        if (dot <= 0 || dot === address.length - 1) fail('write it as ${cf:stackName.outputName} (or ${cf(region):stackName.outputName})');
        const ref: DeferredRef = { kind: 'cf', stack: address.slice(0, dot), output: address.slice(dot + 1) };
        if (params) ref.region = params.trim();
        return { found: true, value: ref };
      }
      case 'ssm': {
        if (address === '') fail('name the parameter, as in ${ssm:/path/to/param}');
        const ref: DeferredRef = { kind: 'ssm', name: address };
        for (const p of (params ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
          if (p === 'raw') ref.raw = true;
          else ref.region = p;
        }
        return { found: true, value: ref };
      }
      case 's3': {
        const slash = address.indexOf('/');
        if (slash <= 0 || slash === address.length - 1) fail('write it as ${s3:bucketName/key}');
        return { found: true, value: { kind: 's3', bucket: address.slice(0, slash), key: address.slice(slash + 1) } };
      }
      case 'sls':
        if (address === 'stage') return { found: true, value: this.ctx.stage };
        return fail(`the sls source knows only "stage"`);
      case 'aws':
        if (address === 'region') return { found: true, value: this.ctx.region };
        if (address === 'partition') return { found: true, value: 'aws' };
        if (address === 'accountId') return this.fromMeridian('region.accountId', where);
        return fail('the aws source knows region, accountId and partition');
      case 'meridian':
        return this.fromMeridian(address, where);
      default:
        return fail(`unknown variable source "${source.type}"; supported sources: ${VARIABLE_SOURCES.join(', ')}`);
    }
  }

  private fromFile(params: string | undefined, address: string, where: Where, fail: (problem: string) => never): Lookup {
    if (params === undefined || params.trim() === '') return fail('name the file, as in ${file(./config.yml):key}');
    const path = resolve(this.ctx.serviceDir, params.trim());
    const ext = extname(path).toLowerCase();
    if (ext !== '.yml' && ext !== '.yaml' && ext !== '.json') {
      return fail(`only YAML and JSON files can be included (${params.trim()}); code files are not run`);
    }
    const doc = this.ctx.files.read(path);
    if (doc === undefined) return { found: false, reason: `file ${displayFile(path)} does not exist` };
    const keys = address === '' ? [] : address.split('.');
    let node: unknown = doc;
    for (let i = 0; i < keys.length; i++) {
      const child = childOf(node, keys[i]!);
      if (child === undefined) {
        return { found: false, reason: `${displayFile(path)} has no value at ${address} (${missingReason(node, keys.slice(0, i), keys[i]!)})` };
      }
      node = typeof child === 'string' && hasVariables(child) ? this.detached(child, { file: path, path: keys.slice(0, i + 1) }) : child;
    }
    return { found: true, value: this.detached(structuredClone(node), { file: path, path: keys }) };
  }

  /** Resolves variables in a value taken from an included file; `${self:...}` in it still means serverless.yml. */
  private detached(value: unknown, where: Where): unknown {
    if (typeof value === 'string') {
      if (!hasVariables(value)) return value;
      const label = `${displayFile(where.file)}:${formatPath(where.path)}`;
      return this.guarded(`file:${where.file}#${formatPath(where.path)}`, label, where, () => this.evaluate(value, where));
    }
    if (Array.isArray(value)) return value.map((v, i) => this.detached(v, { file: where.file, path: [...where.path, i] }));
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.detached(v, { file: where.file, path: [...where.path, k] });
      return out;
    }
    return value;
  }

  private fromMeridian(address: string, where: Where): Lookup {
    if (this.meridianCache === undefined) {
      try {
        this.meridianCache = this.ctx.meridian();
      } catch (e) {
        throw new ServiceDefinitionError(where.file, where.path, `Meridian's configuration could not be read: ${(e as Error).message}`);
      }
    }
    const keys = address.split('.');
    let node: unknown = this.meridianCache;
    for (let i = 0; i < keys.length; i++) {
      const child = childOf(node, keys[i]!);
      if (child === undefined) return { found: false, reason: `Meridian has no value at ${address} (${missingReason(node, keys.slice(0, i), keys[i]!)})` };
      node = child;
    }
    return { found: true, value: structuredClone(node) };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function childOf(node: unknown, key: string | number): unknown {
  if (Array.isArray(node)) {
    const index = typeof key === 'number' ? key : /^\d+$/.test(key) ? Number(key) : NaN;
    return Number.isInteger(index) ? node[index] : undefined;
  }
  return isRecord(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

/** Says what is there instead, which is usually enough to spot a misspelt key. */
function missingReason(parent: unknown, parentPath: KeyPath, key: string | number): string {
  const at = parentPath.length === 0 ? 'the top level' : formatPath(parentPath);
  if (isRecord(parent)) {
    const keys = Object.keys(parent);
    return keys.length === 0 ? `${at} is empty` : `no key "${key}" in ${at}, which has: ${keys.join(', ')}`;
  }
  if (Array.isArray(parent)) return `${at} is a list of ${parent.length}`;
  return `${at} is ${parent === null || parent === undefined ? 'not set' : `a ${typeof parent}, not a map`}`;
}

function describe(source: SourceExpr): string {
  return source.kind === 'literal' ? JSON.stringify(source.value) : source.raw;
}
