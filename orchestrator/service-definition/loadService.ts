import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ServiceDefinitionError } from './errors.js';
import { Fields } from './fields.js';
import { functionDefs } from './functions.js';
import { canonicalIntrinsics } from './intrinsics.js';
import { meridianValues } from './meridianSource.js';
import type { LoadOptions, ServiceDefinition } from './model.js';
import { providerDef } from './provider.js';
import { resourcesSection } from './resources.js';
import { resolveVariables } from './variables.js';
import { YamlFiles } from './yamlFile.js';

/**
 * Reads `<serviceDir>/serverless.yml` for one stage and region, resolves its variables and returns the
 * validated model both targets deploy from. Pure apart from reading files: nothing is deployed or looked up.
 */
export function loadService(serviceDir: string, opts: LoadOptions): ServiceDefinition {
  const dir = resolve(serviceDir);
  const file = serviceFile(dir);
  if (!/^[a-zA-Z0-9-]+$/.test(opts.stage)) {
    throw new ServiceDefinitionError(file, [], `stage "${opts.stage}" must contain only letters, digits and - (it becomes part of resource names)`);
  }
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(opts.region)) {
    throw new ServiceDefinitionError(file, [], `region "${opts.region}" is not an AWS region name such as us-east-1`);
  }
  const files = new YamlFiles();
  const parsed = files.read(file);
  const f = new Fields(file);
  if (!f.isRecord(parsed)) throw new ServiceDefinitionError(file, [], 'must be a YAML map with service, provider and functions');
  const doc = structuredClone(parsed);

  // The framework deploys to the stage and region given on the command line whatever provider.stage says;
  // `${self:provider.stage}` must then name the same stage.
  if (f.isRecord(doc.provider)) {
    doc.provider.stage = opts.stage;
    doc.provider.region = opts.region;
  }
  resolveVariables(doc, {
    file,
    serviceDir: dir,
    stage: opts.stage,
    region: opts.region,
    options: opts.options ?? {},
    env: opts.env ?? process.env,
    files,
    meridian: () => meridianValues(opts.region, opts.configDir),
  });
  const resolved = canonicalIntrinsics(doc) as Record<string, unknown>;

  const service = serviceName(resolved.service, f);
  const provider = providerDef(resolved.provider, f);
  const stackName = f.optString(f.record(resolved.provider, ['provider']).stackName, ['provider', 'stackName']) ?? `${service}-${opts.stage}`;
  const { resources, outputs, conditions } = resourcesSection(resolved.resources, f);
  return {
    service,
    stage: opts.stage,
    region: opts.region,
    dir,
    file,
    stackName,
    provider,
    functions: functionDefs(resolved.functions, { service, stage: opts.stage, dir, provider }, f),
    resources,
    outputs,
    conditions,
    custom: f.record(resolved.custom, ['custom']),
    plugins: plugins(resolved.plugins, f),
  };
}

function serviceFile(dir: string): string {
  for (const name of ['serverless.yml', 'serverless.yaml']) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new ServiceDefinitionError(join(dir, 'serverless.yml'), [], 'not found: a service directory needs a serverless.yml');
}

/** `service: name`, or the framework's older `service: { name }`. */
function serviceName(raw: unknown, f: Fields): string {
  const name = f.isRecord(raw) ? f.string(raw.name, ['service', 'name']) : f.string(raw, ['service']);
  if (!/^[a-zA-Z][0-9a-zA-Z-]+$/.test(name)) {
    f.fail(['service'], `"${name}" must be at least two characters, start with a letter and contain only letters, digits and - (it names the stack and every function)`);
  }
  return name;
}

/** `plugins: [a, b]`, or `plugins: { modules: [a, b], localPath }`. */
function plugins(raw: unknown, f: Fields): string[] {
  const list = f.isRecord(raw) ? f.list(raw.modules, ['plugins', 'modules']) : f.list(raw, ['plugins']);
  const at = f.isRecord(raw) ? ['plugins', 'modules'] : ['plugins'];
  return list.map((p, i) => f.string(p, [...at, i]));
}
