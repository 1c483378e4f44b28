import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../regions/config.js';
import { isIntrinsic, type ServiceDefinition } from './service-definition/index.js';
import { dependencyOrder, type ServiceLinks } from './deploy-target/dependencyOrder.js';

/**
 * The platform's own services, deployed into every region beside the users' ones: the regional health
 * check (regions/health), which the front door and Route 53 route on.
 */
export const PLATFORM_SERVICES = ['regions/health'] as const;

/** Every service of the repository: `services/<name>/serverless.yml` by name, then the platform's own. */
export function serviceDirs(root: string = repoRoot): string[] {
  const dir = join(root, 'services');
  const users = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && hasServiceFile(join(dir, e.name)))
      .map((e) => join(dir, e.name))
      .sort()
    : [];
  const platform = PLATFORM_SERVICES.map((p) => join(root, p)).filter(hasServiceFile);
  return [...users, ...platform];
}

export function hasServiceFile(dir: string): boolean {
  return existsSync(join(dir, 'serverless.yml')) || existsSync(join(dir, 'serverless.yaml'));
}

/**
 * Services in the order a region must deploy them (see dependencyOrder): by name, except that one importing
 * another's export (Fn::ImportValue) comes after it, as CloudFormation requires. Removing goes in reverse.
 * Imports no service here exports are left to the local deployer, which looks them up among deployed services.
 */
export function deployOrder<T extends ServiceDefinition>(defs: T[]): T[] {
  const byName = [...defs].sort((a, b) => a.service.localeCompare(b.service));
  return dependencyOrder(byName, definitionLinks).order;
}

/** The export and import names of a loaded serverless.yml. */
export function definitionLinks(def: ServiceDefinition): ServiceLinks {
  return { service: def.service, stackName: def.stackName, exports: exportNames(def), imports: importNames(def) };
}

export function exportNames(def: ServiceDefinition): string[] {
  return Object.values(def.outputs).flatMap((o) => {
    const name = (o as { Export?: { Name?: unknown } } | null)?.Export?.Name;
    return typeof name === 'string' ? [name] : [];
  });
}

/** Names passed to Fn::ImportValue anywhere in the service, where they are plain strings (or a Sub without references). */
export function importNames(def: ServiceDefinition): string[] {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    if (isIntrinsic(v) && 'Fn::ImportValue' in v) {
      const arg = (v as { 'Fn::ImportValue': unknown })['Fn::ImportValue'];
      const sub = isIntrinsic(arg) && 'Fn::Sub' in arg ? (arg as { 'Fn::Sub': unknown })['Fn::Sub'] : undefined;
      if (typeof arg === 'string') found.add(arg);
      else if (typeof sub === 'string' && !sub.includes('${')) found.add(sub);
      return;
    }
    Object.values(v).forEach(walk);
  };
  walk(def.functions);
  walk(def.resources);
  walk(def.provider);
  walk(def.outputs);
  return [...found];
}
