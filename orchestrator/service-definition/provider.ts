import type { KeyPath } from './errors.js';
import type { Fields } from './fields.js';
import { environment } from './environment.js';
import type { ArnValue, IamStatement, ProviderDef } from './model.js';

/** Lambda runs nodejs22.x or later (DESIGN.md); a service that names no runtime gets that. */
export const DEFAULT_RUNTIME = 'nodejs22.x';

export function providerDef(raw: unknown, f: Fields): ProviderDef {
  if (raw === undefined) f.fail(['provider'], 'is missing; add provider: { name: aws, runtime: nodejs22.x }');
  const p = f.record(raw, ['provider']);
  if (p.name !== 'aws') f.fail(['provider', 'name'], `must be aws, got ${JSON.stringify(p.name)}`);
  const provider: ProviderDef = {
    name: 'aws',
    runtime: f.optString(p.runtime, ['provider', 'runtime']) ?? DEFAULT_RUNTIME,
    environment: environment(p.environment, ['provider', 'environment'], f),
    iamStatements: iamStatements(p, f),
  };
  if (p.endpointType !== undefined) {
    provider.endpointType = f.oneOf(p.endpointType, ['provider', 'endpointType'], ['REGIONAL', 'EDGE', 'PRIVATE'] as const);
  }
  const timeout = f.optNumber(p.timeout, ['provider', 'timeout'], 1, 900);
  if (timeout !== undefined) provider.timeout = timeout;
  const memorySize = f.optNumber(p.memorySize, ['provider', 'memorySize'], 128, 10240);
  if (memorySize !== undefined) provider.memorySize = memorySize;
  return provider;
}

/** Both spellings: `iam.role.statements` (v3) and `iamRoleStatements` (v2, still in the book's services). */
function iamStatements(p: Record<string, unknown>, f: Fields): IamStatement[] {
  const iam = f.record(p.iam, ['provider', 'iam']);
  // `iam.role: arn:...` names an existing role: the service then declares no statements of its own.
  const role = typeof iam.role === 'string' ? {} : f.record(iam.role, ['provider', 'iam', 'role']);
  const v3 = f.list(role.statements, ['provider', 'iam', 'role', 'statements']).map((s, i) => statement(s, ['provider', 'iam', 'role', 'statements', i], f));
  const v2 = f.list(p.iamRoleStatements, ['provider', 'iamRoleStatements']).map((s, i) => statement(s, ['provider', 'iamRoleStatements', i], f));
  return [...v3, ...v2];
}

function statement(raw: unknown, at: KeyPath, f: Fields): IamStatement {
  const s = f.record(raw, at);
  const out: IamStatement = { Effect: f.oneOf(s.Effect, [...at, 'Effect'], ['Allow', 'Deny'] as const) };
  const sid = f.optString(s.Sid, [...at, 'Sid']);
  if (sid !== undefined) out.Sid = sid;
  for (const key of ['Action', 'NotAction'] as const) {
    if (s[key] !== undefined) out[key] = asList(s[key]).map((a, i) => f.string(a, [...at, key, i]));
  }
  for (const key of ['Resource', 'NotResource'] as const) {
    if (s[key] !== undefined) out[key] = asList(s[key]).map((r, i): ArnValue => f.arn(r, [...at, key, i]));
  }
  if (s.Condition !== undefined) out.Condition = f.record(s.Condition, [...at, 'Condition']);
  if (!out.Action && !out.NotAction) f.fail(at, 'needs Action (or NotAction)');
  if (!out.Resource && !out.NotResource) f.fail(at, 'needs Resource (or NotResource)');
  return out;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}
