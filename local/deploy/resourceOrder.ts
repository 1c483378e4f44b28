import type { CfResource } from '../../orchestrator/service-definition/index.js';
import { DeployError } from './errors.js';

/** Resources ordered so each comes after what it references (Ref, GetAtt, Sub) or DependsOn, as CloudFormation orders them. */
export function resourceOrder(resources: CfResource[]): CfResource[] {
  const ids = new Set(resources.map((r) => r.logicalId));
  const deps = new Map(resources.map((r) => [r.logicalId, [...references(r.Properties), ...(r.DependsOn ?? [])].filter((d) => ids.has(d) && d !== r.logicalId)]));
  const out: CfResource[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(resources.map((r) => [r.logicalId, r]));
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new DeployError(`resources reference each other in a cycle: ${[...path, id].join(' → ')}`);
    state.set(id, 'visiting');
    for (const d of deps.get(id) ?? []) visit(d, [...path, id]);
    state.set(id, 'done');
    out.push(byId.get(id)!);
  };
  for (const r of resources) visit(r.logicalId, []);
  return out;
}

/** Logical ids named below `value` by Ref, Fn::GetAtt or a `${Name}` in Fn::Sub. */
export function references(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => references(v, into));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') into.add(v);
      else if (k === 'Fn::GetAtt' && Array.isArray(v)) into.add(String(v[0]));
      else if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? String(v[0]) : String(v);
        for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) into.add(m[1]!);
        if (Array.isArray(v)) references(v[1], into);
      } else references(v, into);
    }
  }
  return into;
}
