import { isDeferred, isIntrinsic, type DeferredValue } from '../../orchestrator/service-definition/index.js';
import { DeployError } from './errors.js';

/** What CloudFormation would know while creating a stack, answered from what the local region deployed. */
export interface ResolveScope {
  region: string;
  accountId: string;
  stackName: string;
  /** `Ref` (attribute undefined) or `Fn::GetAtt` of a resource of this service; undefined when unknown. */
  attribute(logicalId: string, attribute?: string): string | undefined;
  /** An export of a service already deployed in this region. */
  importValue(name: string): string | undefined;
  conditions: Record<string, unknown>;
}

const PSEUDO: Record<string, (s: ResolveScope) => string> = {
  'AWS::Region': (s) => s.region,
  'AWS::AccountId': (s) => s.accountId,
  'AWS::StackName': (s) => s.stackName,
  'AWS::StackId': (s) => `arn:aws:cloudformation:${s.region}:${s.accountId}:stack/${s.stackName}/local`,
  'AWS::Partition': () => 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::NoValue': () => '',
};

/** Resolves every intrinsic below `value`; `at` names where it sits, for the error a user reads. */
export function resolveValue(value: unknown, scope: ResolveScope, at: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolveValue(v, scope, `${at}[${i}]`)).filter((v) => v !== NO_VALUE);
  if (isDeferred(value)) return resolveDeferred(value, at);
  if (value === null || typeof value !== 'object') return value;
  if (isIntrinsic(value)) return resolveIntrinsic(value as Record<string, unknown>, scope, at);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const resolved = resolveValue(v, scope, `${at}.${k}`);
    if (resolved !== NO_VALUE) out[k] = resolved;
  }
  return out;
}

/** Resolves to a string, as an environment variable or a name must be. */
export function resolveString(value: unknown, scope: ResolveScope, at: string): string {
  const v = resolveValue(value, scope, at);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new DeployError(`${at}: resolves to ${JSON.stringify(v)}, not a string`);
}

const NO_VALUE = Symbol('AWS::NoValue');

function resolveIntrinsic(value: Record<string, unknown>, scope: ResolveScope, at: string): unknown {
  const [fn, arg] = Object.entries(value)[0]!;
  switch (fn) {
    case 'Ref': {
      const name = String(arg);
      if (name === 'AWS::NoValue') return NO_VALUE;
      const pseudo = PSEUDO[name];
      if (pseudo) return pseudo(scope);
      return known(scope.attribute(name), `${at}: Ref ${name}: no such resource in this service`);
    }
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.', 2);
      return known(scope.attribute(String(id), String(attr)), `${at}: Fn::GetAtt ${id}.${attr}: the local cloud does not know this attribute (unknown resource, or an attribute it does not model)`);
    }
    case 'Fn::Sub':
      return substitute(arg, scope, at);
    case 'Fn::Join': {
      const [sep, parts] = arg as [string, unknown];
      const list = resolveValue(parts, scope, at);
      if (!Array.isArray(list)) throw new DeployError(`${at}: Fn::Join needs a list`);
      return list.map((p) => String(p)).join(sep);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      const items = resolveValue(list, scope, at);
      const i = Number(resolveValue(index, scope, at));
      if (!Array.isArray(items) || !(i in items)) throw new DeployError(`${at}: Fn::Select index ${i} is outside the list`);
      return items[i];
    }
    case 'Fn::Split': {
      const [sep, text] = arg as [string, unknown];
      return resolveString(text, scope, at).split(sep);
    }
    case 'Fn::ImportValue': {
      const name = resolveString(arg, scope, at);
      return known(scope.importValue(name), `${at}: Fn::ImportValue ${name}: no service deployed in ${scope.region} exports it; deploy the service that exports it first`);
    }
    case 'Fn::If': {
      const [cond, yes, no] = arg as [string, unknown, unknown];
      const chosen = resolveValue(conditionTrue(cond, scope, at) ? yes : no, scope, at);
      return chosen;
    }
    case 'Fn::Equals':
    case 'Fn::Not':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Condition':
      return evaluateCondition(value, scope, at);
    case 'Fn::Base64':
      return Buffer.from(resolveString(arg, scope, at)).toString('base64');
    case 'Fn::ToJsonString':
      return JSON.stringify(resolveValue(arg, scope, at));
    default:
      throw new DeployError(`${at}: ${fn} is not resolved by the local cloud; use Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If or Fn::ImportValue`);
  }
}

function known(value: string | undefined, problem: string): string {
  if (value === undefined) throw new DeployError(problem);
  return value;
}

/** `${Name}`, `${Name.Attr}`, `${AWS::Region}`, `${!Literal}`, with Fn::Sub's own variables first. */
function substitute(arg: unknown, scope: ResolveScope, at: string): string {
  const [template, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
  return template.replace(/\$\{([^}]+)\}/g, (_, expr: string) => {
    if (expr.startsWith('!')) return `\${${expr.slice(1)}}`;
    if (expr in vars) return resolveString(vars[expr], scope, `${at}.${expr}`);
    const pseudo = PSEUDO[expr];
    if (pseudo) return pseudo(scope);
    const dot = expr.indexOf('.');
    return dot < 0
      ? known(scope.attribute(expr), `${at}: \${${expr}}: no such resource in this service`)
      : known(scope.attribute(expr.slice(0, dot), expr.slice(dot + 1)), `${at}: \${${expr}}: the local cloud does not know this attribute`);
  });
}

export function conditionTrue(name: string, scope: ResolveScope, at: string): boolean {
  if (!(name in scope.conditions)) throw new DeployError(`${at}: condition ${name} is not defined under resources.Conditions`);
  return Boolean(evaluateCondition(scope.conditions[name], scope, `Conditions.${name}`));
}

function evaluateCondition(value: unknown, scope: ResolveScope, at: string): boolean {
  if (typeof value === 'boolean') return value;
  if (!isIntrinsic(value)) throw new DeployError(`${at}: not a condition`);
  const [fn, arg] = Object.entries(value as Record<string, unknown>)[0]!;
  const list = arg as unknown[];
  switch (fn) {
    case 'Fn::Equals':
      return JSON.stringify(resolveValue(list[0], scope, at)) === JSON.stringify(resolveValue(list[1], scope, at));
    case 'Fn::Not':
      return !evaluateCondition(list[0], scope, at);
    case 'Fn::And':
      return list.every((c) => evaluateCondition(c, scope, at));
    case 'Fn::Or':
      return list.some((c) => evaluateCondition(c, scope, at));
    case 'Condition':
      return conditionTrue(String(arg), scope, at);
    default:
      throw new DeployError(`${at}: ${fn} is not a condition function`);
  }
}

function resolveDeferred(value: DeferredValue, at: string): never {
  const what = value.kind === 'concat' ? 'a ${cf:}/${ssm:}/${s3:} reference' : `\${${value.kind}:...}`;
  throw new DeployError(`${at}: ${what} is looked up at deploy time on AWS; the local cloud cannot. Use Outputs with Export and Fn::ImportValue across services, or \${meridian:...} for per-region values`);
}
