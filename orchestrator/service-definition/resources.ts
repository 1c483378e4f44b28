import type { KeyPath } from './errors.js';
import type { Fields } from './fields.js';
import type { CfResource } from './model.js';

export interface ResourcesSection {
  resources: CfResource[];
  outputs: Record<string, unknown>;
  conditions: Record<string, unknown>;
}

const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DeletionPolicy', 'UpdateReplacePolicy', 'DependsOn', 'Condition', 'Metadata', 'CreationPolicy', 'UpdatePolicy']);

/** `resources:` as one map or, as the framework also allows, a list of maps merged in order. */
export function resourcesSection(raw: unknown, f: Fields): ResourcesSection {
  const parts = Array.isArray(raw) ? raw.map((part, i) => ({ part, at: ['resources', i] as KeyPath })) : [{ part: raw, at: ['resources'] as KeyPath }];
  const section: ResourcesSection = { resources: [], outputs: {}, conditions: {} };
  const seen = new Map<string, KeyPath>();
  for (const { part, at } of parts) {
    const r = f.record(part, at);
    for (const [logicalId, value] of Object.entries(f.record(r.Resources, [...at, 'Resources']))) {
      const rat = [...at, 'Resources', logicalId];
      const earlier = seen.get(logicalId);
      if (earlier) f.fail(rat, `resource ${logicalId} is defined twice; rename one of them`);
      seen.set(logicalId, rat);
      section.resources.push(resource(logicalId, value, rat, f));
    }
    Object.assign(section.outputs, f.record(r.Outputs, [...at, 'Outputs']));
    Object.assign(section.conditions, f.record(r.Conditions, [...at, 'Conditions']));
  }
  return section;
}

function resource(logicalId: string, raw: unknown, at: KeyPath, f: Fields): CfResource {
  if (!/^[A-Za-z0-9]+$/.test(logicalId)) f.fail(at, 'CloudFormation logical ids contain only letters and digits');
  const r = f.record(raw, at);
  for (const key of Object.keys(r)) {
    if (!RESOURCE_KEYS.has(key)) f.fail([...at, key], `is not a resource attribute; a resource has ${[...RESOURCE_KEYS].join(', ')}`);
  }
  const type = f.string(r.Type, [...at, 'Type']);
  if (!/^[A-Za-z0-9]+::[\w-]+(::[\w-]+)*$/.test(type)) f.fail([...at, 'Type'], `"${type}" is not a resource type such as AWS::S3::Bucket`);
  const out: CfResource = { logicalId, Type: type, Properties: f.record(r.Properties, [...at, 'Properties']) };
  if (r.DeletionPolicy !== undefined) {
    out.DeletionPolicy = f.oneOf(r.DeletionPolicy, [...at, 'DeletionPolicy'], ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'] as const);
  }
  if (r.UpdateReplacePolicy !== undefined) {
    out.UpdateReplacePolicy = f.oneOf(r.UpdateReplacePolicy, [...at, 'UpdateReplacePolicy'], ['Delete', 'Retain', 'Snapshot'] as const);
  }
  if (r.DependsOn !== undefined) {
    const deps = Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
    out.DependsOn = deps.map((d, i) => f.string(d, Array.isArray(r.DependsOn) ? [...at, 'DependsOn', i] : [...at, 'DependsOn']));
  }
  const condition = f.optString(r.Condition, [...at, 'Condition']);
  if (condition !== undefined) out.Condition = condition;
  for (const key of ['Metadata', 'CreationPolicy', 'UpdatePolicy'] as const) {
    if (r[key] !== undefined) out[key] = f.record(r[key], [...at, key]);
  }
  return out;
}
