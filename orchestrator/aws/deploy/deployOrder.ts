import { readFileSync } from 'node:fs';
import { dependencyOrder, type ServiceLinks, type ServiceOrder } from '../../deploy-target/dependencyOrder.js';
import { isRecord, type CfTemplate } from '../template/cfTemplate.js';

/** A stack to place in order: its name, region, and the template it deploys. */
export interface StackToOrder {
  service: string;
  stackName: string;
  region: string;
  template: string;
}

export type OrderedStacks<T extends StackToOrder> = ServiceOrder<T>;

/**
 * Orders one region's packaged stacks (see dependencyOrder): export and import names are read from the
 * templates, evaluating the pseudo parameters they usually contain (`${AWS::StackName}`, `${AWS::Region}`).
 * A cycle is a DeployOrderError.
 */
export function deployOrder<T extends StackToOrder>(stacks: T[]): OrderedStacks<T> {
  return dependencyOrder(stacks, templateLinks);
}

/** The export and import names of a packaged template that can be known before deploying. */
export function templateLinks(stack: StackToOrder): ServiceLinks {
  const template = JSON.parse(readFileSync(stack.template, 'utf8')) as CfTemplate;
  const scope = { stackName: stack.stackName, region: stack.region };
  const exports = Object.values(template.Outputs ?? {}).flatMap((output) => {
    const name = output.Export ? staticText(output.Export.Name, scope) : undefined;
    return name === undefined ? [] : [name];
  });
  return { service: stack.service, stackName: stack.stackName, exports, imports: importNames(template, scope) };
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
