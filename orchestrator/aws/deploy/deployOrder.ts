import { readFileSync } from 'node:fs';
import { DeployOrderError } from '../errors.js';
import { isRecord, type CfTemplate } from '../template/cfTemplate.js';

/** A stack to place in order: its name, region, and the template it deploys. */
export interface StackToOrder {
  service: string;
  stackName: string;
  region: string;
  template: string;
}

export interface OrderedStacks<T extends StackToOrder> {
  /** Exporters before importers; otherwise in the given order. */
  order: T[];
  /** Imports no stack in the set exports: they must already exist in the region. */
  external: { service: string; name: string }[];
}

/**
 * Orders one region's stacks so that a stack whose exports another imports (`Fn::ImportValue`) is deployed
 * first. Export and import names are read from the packaged templates, evaluating the pseudo parameters
 * they usually contain (`${AWS::StackName}`, `${AWS::Region}`). A cycle cannot be deployed and is an error.
 */
export function deployOrder<T extends StackToOrder>(stacks: T[]): OrderedStacks<T> {
  const exporters = new Map<string, T>();
  const imports = new Map<T, Set<string>>();
  for (const stack of stacks) {
    const template = JSON.parse(readFileSync(stack.template, 'utf8')) as CfTemplate;
    const scope = { stackName: stack.stackName, region: stack.region };
    for (const output of Object.values(template.Outputs ?? {})) {
      const name = output.Export ? staticText(output.Export.Name, scope) : undefined;
      if (name !== undefined) exporters.set(name, stack);
    }
    imports.set(stack, new Set(importNames(template, scope)));
  }

  const needs = new Map<T, Set<T>>();
  const external: { service: string; name: string }[] = [];
  for (const stack of stacks) {
    const deps = new Set<T>();
    for (const name of imports.get(stack) ?? []) {
      const from = exporters.get(name);
      if (from === undefined) external.push({ service: stack.service, name });
      else if (from !== stack) deps.add(from);
    }
    needs.set(stack, deps);
  }

  const order: T[] = [];
  const done = new Set<T>();
  while (order.length < stacks.length) {
    const ready = stacks.find((s) => !done.has(s) && [...needs.get(s)!].every((d) => done.has(d)));
    if (ready === undefined) throw new DeployOrderError(cycleMessage(stacks.filter((s) => !done.has(s)), needs));
    order.push(ready);
    done.add(ready);
  }
  return { order, external };
}

interface Scope {
  stackName: string;
  region: string;
}

/** Every Fn::ImportValue name in the template that can be known before deploying. */
function importNames(node: unknown, scope: Scope): string[] {
  if (Array.isArray(node)) return node.flatMap((n) => importNames(n, scope));
  if (!isRecord(node)) return [];
  const own = 'Fn::ImportValue' in node ? [staticText(node['Fn::ImportValue'], scope)].filter((n): n is string => n !== undefined) : [];
  return [...own, ...Object.values(node).flatMap((n) => importNames(n, scope))];
}

/** Text, Fn::Sub and Fn::Join over text and pseudo parameters, evaluated; undefined when it needs a deployed value. */
function staticText(value: unknown, scope: Scope): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return undefined;
  const pseudo: Record<string, string> = { 'AWS::StackName': scope.stackName, 'AWS::Region': scope.region, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  if (typeof value.Ref === 'string') return pseudo[value.Ref];
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') {
    let unknown = false;
    const text = sub.replace(/\$\{([^!}][^}]*)\}/g, (_, name: string) => pseudo[name.trim()] ?? ((unknown = true), ''));
    return unknown ? undefined : text;
  }
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((p) => staticText(p, scope));
    return parts.every((p): p is string => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}

function cycleMessage<T extends StackToOrder>(left: T[], needs: Map<T, Set<T>>): string {
  const lines = left.map((s) => `  ${s.service} (${s.stackName}) imports from ${[...needs.get(s)!].filter((d) => left.includes(d)).map((d) => d.service).join(', ')}`);
  return `these services import each other's exports in a cycle, so none of them can be deployed first:\n${lines.join('\n')}\nMove the shared resource into one of them, or pass the value through config/<region>.yml (\${meridian:...}) instead of an export`;
}
