import { PluginConfigError } from '../errors.js';

/**
 * The shape of the CloudFormation template osls compiles, as far as Meridian's plugin reads and writes it.
 * Values stay `unknown`: they are user-written YAML and intrinsics, checked where they are used.
 */
export interface CfTemplate {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfResource>;
  Outputs?: Record<string, CfOutput>;
  [section: string]: unknown;
}

export interface CfResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Condition?: string;
  [attribute: string]: unknown;
}

export interface CfOutput {
  Value: unknown;
  Description?: string;
  Export?: { Name: unknown };
  Condition?: string;
}

/** A property value: text, or an intrinsic (`{Ref: X}`, `{Fn::GetAtt: [X, Arn]}`, ...) CloudFormation evaluates. */
export type CfValue = string | Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export const ref = (logicalId: string) => ({ Ref: logicalId });
export const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });
export const sub = (text: string) => ({ 'Fn::Sub': text });

/** `{Fn::GetAtt: [X, A]}` or the short string form `{Fn::GetAtt: "X.A"}`, as [X, A]; undefined otherwise. */
export function getAttTarget(value: unknown): [string, string] | undefined {
  if (!isRecord(value) || Object.keys(value).length !== 1) return undefined;
  const arg = value['Fn::GetAtt'];
  if (Array.isArray(arg) && typeof arg[0] === 'string' && typeof arg[1] === 'string') return [arg[0], arg[1]];
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    if (dot > 0) return [arg.slice(0, dot), arg.slice(dot + 1)];
  }
  return undefined;
}

/** `{Ref: X}` as X; undefined otherwise. */
export function refTarget(value: unknown): string | undefined {
  if (!isRecord(value) || Object.keys(value).length !== 1) return undefined;
  return typeof value.Ref === 'string' ? value.Ref : undefined;
}

export function dependsOnList(resource: CfResource): string[] {
  if (resource.DependsOn === undefined) return [];
  return Array.isArray(resource.DependsOn) ? resource.DependsOn : [resource.DependsOn];
}

export function resourcesOfType(template: CfTemplate, type: string): [string, CfResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Adds a resource, refusing to overwrite one the service already defines under that logical id. */
export function addResource(template: CfTemplate, logicalId: string, resource: CfResource): void {
  if (Object.hasOwn(template.Resources, logicalId)) {
    throw new PluginConfigError(`resources.${logicalId}`, `Meridian's plugin adds a resource with this logical id, and the template already has one; rename yours`);
  }
  template.Resources[logicalId] = resource;
}

export function addOutput(template: CfTemplate, name: string, output: CfOutput): void {
  template.Outputs ??= {};
  template.Outputs[name] ??= output;
}
