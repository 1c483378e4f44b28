import { PluginConfigError } from '../errors.js';
import { getAttTarget, isRecord, refTarget, type CfTemplate } from './cfTemplate.js';

/**
 * What a reference to a resource that is no longer in the template becomes: `ref` replaces `{Ref: X}`,
 * `attribute(name)` replaces `{Fn::GetAtt: [X, name]}` (undefined: that attribute cannot be replaced).
 */
export interface Replacement {
  ref: unknown;
  attribute(name: string): unknown;
}

/**
 * Rewrites every Ref, GetAtt and `${X}`/`${X.Attr}` inside Fn::Sub that names a key of `replacements`,
 * anywhere in the template (resources, outputs, conditions). Returns the template for chaining.
 */
export function rewriteReferences(template: CfTemplate, replacements: ReadonlyMap<string, Replacement>): CfTemplate {
  if (replacements.size === 0) return template;
  for (const key of Object.keys(template)) {
    if (key === 'AWSTemplateFormatVersion' || key === 'Description') continue;
    template[key] = rewrite(template[key], replacements, key);
  }
  return template;
}

function rewrite(node: unknown, replacements: ReadonlyMap<string, Replacement>, at: string): unknown {
  if (Array.isArray(node)) return node.map((item, i) => rewrite(item, replacements, `${at}[${i}]`));
  if (!isRecord(node)) return node;

  const refName = refTarget(node);
  if (refName !== undefined) {
    const r = replacements.get(refName);
    return r ? structuredClone(r.ref) : node;
  }
  const att = getAttTarget(node);
  if (att) {
    const r = replacements.get(att[0]);
    if (!r) return node;
    const value = r.attribute(att[1]);
    if (value === undefined) throw new PluginConfigError(at, `Fn::GetAtt ${att[0]}.${att[1]} is not available in this region: ${att[0]} lives in the home region's stack; use its Ref, Arn or StreamArn`);
    return structuredClone(value);
  }
  if (Object.keys(node).length === 1 && 'Fn::Sub' in node) {
    return { 'Fn::Sub': rewriteSub(node['Fn::Sub'], replacements, at) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = rewrite(value, replacements, `${at}.${key}`);
  return out;
}

/**
 * `${X}` and `${X.Attr}` inside an Fn::Sub string become variables of the Fn::Sub's own map, bound to the
 * replacement values: the string keeps its shape and CloudFormation substitutes as before.
 */
function rewriteSub(arg: unknown, replacements: ReadonlyMap<string, Replacement>, at: string): unknown {
  const [text, vars] = typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) && typeof arg[0] === 'string' ? [arg[0], arg[1]] : [undefined, undefined];
  if (text === undefined) return rewrite(arg, replacements, at);
  const variables: Record<string, unknown> = isRecord(vars) ? (rewrite(vars, replacements, at) as Record<string, unknown>) : {};
  let added = false;
  const rewritten = text.replace(/\$\{([^!}][^}]*)\}/g, (whole, inner: string) => {
    const name = inner.trim();
    if (Object.hasOwn(variables, name)) return whole;
    const dot = name.indexOf('.');
    const id = dot < 0 ? name : name.slice(0, dot);
    const r = replacements.get(id);
    if (!r) return whole;
    const value = dot < 0 ? r.ref : r.attribute(name.slice(dot + 1));
    if (value === undefined) throw new PluginConfigError(at, `\${${name}} is not available in this region: ${id} lives in the home region's stack; use its Ref, Arn or StreamArn`);
    const variable = `Meridian${name.replace(/[^A-Za-z0-9]/g, '')}`;
    variables[variable] = structuredClone(value);
    added = true;
    return `\${${variable}}`;
  });
  if (!added && typeof arg === 'string') return arg;
  return Object.keys(variables).length === 0 ? rewritten : [rewritten, variables];
}

/** Whether any Ref, GetAtt or Fn::Sub in `node` names `logicalId` (optionally only that attribute). */
export function referencesTo(node: unknown, logicalId: string, attribute?: string): boolean {
  if (Array.isArray(node)) return node.some((item) => referencesTo(item, logicalId, attribute));
  if (!isRecord(node)) return false;
  if (attribute === undefined && refTarget(node) === logicalId) return true;
  const att = getAttTarget(node);
  if (att && att[0] === logicalId && (attribute === undefined || att[1] === attribute)) return true;
  const subArg = Object.keys(node).length === 1 ? node['Fn::Sub'] : undefined;
  const subText = typeof subArg === 'string' ? subArg : Array.isArray(subArg) && typeof subArg[0] === 'string' ? subArg[0] : undefined;
  if (subText !== undefined) {
    const wanted = attribute === undefined ? new RegExp(`\\$\\{\\s*${logicalId}(\\.[^}]*)?\\s*\\}`) : new RegExp(`\\$\\{\\s*${logicalId}\\.${attribute}\\s*\\}`);
    if (wanted.test(subText)) return true;
  }
  return Object.values(node).some((value) => referencesTo(value, logicalId, attribute));
}
