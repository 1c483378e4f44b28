import { createRequire } from 'node:module';

/**
 * cfn-lint (npm, 1.9.7) with a current resource specification. Its own is from 2019 (383 types) and rejects
 * AWS::DynamoDB::GlobalTable, AWS::CloudFront::OriginAccessControl and CachePolicy; @aws-cdk/cfnspec 2.72.1
 * carries CloudFormation's specification 117 (1051 types), loaded into cfn-lint's tables before validating.
 */
const require = createRequire(import.meta.url);

interface LintMessage {
  message: string;
  resource: string;
}
interface LintResult {
  templateValid: boolean;
  errors: { crit: LintMessage[]; warn: LintMessage[]; info: LintMessage[] };
}
interface SpecTables {
  ResourceTypes: Record<string, { Properties: Record<string, { Required: boolean }> } | undefined>;
  PropertyTypes: Record<string, unknown>;
}

interface Validator {
  validateJsonObject(template: unknown, options: unknown): LintResult;
  resetValidator(): void;
  addPseudoValue(name: string, value: string): void;
  addImportValue(name: string, value: string): void;
  addCustomResourceAttributeValue(resourceOrType: string, attribute: string, value: string): void;
}

let validator: Validator | undefined;

function load(): Validator {
  if (validator) return validator;
  const awsData = require('cfn-lint/lib/awsData') as { awsResources: SpecTables };
  const spec = require('@aws-cdk/cfnspec/spec/specification.json') as SpecTables;
  Object.assign(awsData.awsResources.ResourceTypes, structuredClone(spec.ResourceTypes));
  Object.assign(awsData.awsResources.PropertyTypes, structuredClone(spec.PropertyTypes));
  // CloudFormation made RoleARN optional after this specification (Application Auto Scaling then uses its
  // service-linked role, which Meridian relies on instead of creating a role with CloudWatch `*`).
  const scalableTarget = awsData.awsResources.ResourceTypes['AWS::ApplicationAutoScaling::ScalableTarget'];
  if (scalableTarget?.Properties.RoleARN) scalableTarget.Properties.RoleARN.Required = false;
  validator = require('cfn-lint/lib/validator') as Validator;
  return validator;
}

/**
 * What each export of these templates looks like to an importer: an ARN when its value is one (an `...Arn`
 * attribute or `arn:` text), text otherwise. Imports take the shape of the export they name.
 */
export function exportShapes(templates: unknown[]): Map<string, 'arn' | 'text'> {
  const shapes = new Map<string, 'arn' | 'text'>();
  for (const t of templates) {
    const outputs = (t as { Outputs?: Record<string, { Value?: unknown; Export?: { Name?: unknown } }> }).Outputs ?? {};
    for (const output of Object.values(outputs)) {
      const name = output.Export?.Name;
      if (typeof name !== 'string') continue;
      const value = JSON.stringify(output.Value ?? '');
      shapes.set(name, /Arn"\]|"arn:/.test(value) ? 'arn' : 'text');
    }
  }
  return shapes;
}

/** The critical findings for a template deployed to `region` (empty when it is valid). */
export function lintTemplate(template: unknown, region: string, shapes: Map<string, 'arn' | 'text'> = new Map()): string[] {
  const v = load();
  v.resetValidator();
  v.addPseudoValue('AWS::Region', region);
  // What the replica lookup answers at deploy time (replicaReferences.ts), so ARN-typed properties check out.
  const table = `arn:aws:dynamodb:${region}:123456789012:table/mock`;
  v.addCustomResourceAttributeValue('Custom::MeridianTableReplica', 'StreamArn', `${table}/stream/2026-01-01T00:00:00.000`);
  v.addCustomResourceAttributeValue('Custom::MeridianTableReplica', 'Arn', table);
  v.addCustomResourceAttributeValue('Custom::MeridianTableReplica', 'TableId', 'mock-table-id');
  // Imports come from other stacks: an ARN-shaped stand-in where the export is an ARN (or, for exports
  // outside these templates, where its name says so).
  for (const name of importNames(template)) {
    const arn = (shapes.get(name) ?? (/arn$/i.test(name) ? 'arn' : 'text')) === 'arn';
    v.addImportValue(name, arn ? `arn:aws:mock:${region}:123456789012:${name}` : `imported-${name}`);
  }
  const result = v.validateJsonObject(structuredClone(template), {});
  return result.errors.crit.map((e) => `${e.resource}: ${e.message}`);
}

function importNames(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(importNames);
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const own = typeof record['Fn::ImportValue'] === 'string' ? [record['Fn::ImportValue']] : [];
  return [...own, ...Object.values(record).flatMap(importNames)];
}
