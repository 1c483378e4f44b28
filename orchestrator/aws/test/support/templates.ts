import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfResource, CfTemplate } from '../../template/cfTemplate.js';

export const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
export const fixtureConfig = join(fixtures, 'config');
export const fixtureService = (name: string) => join(fixtures, 'services', name);

export function readTemplate(file: string): CfTemplate {
  return JSON.parse(readFileSync(file, 'utf8')) as CfTemplate;
}

export function resourcesOf(template: CfTemplate, type: string): [string, CfResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Every IAM-style statement in the template: roles' inline policies and resource policies. */
export function policyStatements(template: CfTemplate): { where: string; statement: Record<string, unknown> }[] {
  const out: { where: string; statement: Record<string, unknown> }[] = [];
  const add = (where: string, doc: unknown) => {
    if (doc === null || typeof doc !== 'object') return;
    const statements = (doc as { Statement?: unknown }).Statement;
    for (const s of Array.isArray(statements) ? statements : [statements]) {
      if (s !== null && typeof s === 'object') out.push({ where, statement: s as Record<string, unknown> });
    }
  };
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = r.Properties ?? {};
    if (Array.isArray(p.Policies)) for (const policy of p.Policies) add(id, (policy as { PolicyDocument?: unknown }).PolicyDocument);
    add(id, p.PolicyDocument);
    add(id, p.AssumeRolePolicyDocument);
  }
  return out;
}

/** A minimal compiled template as osls hands it to the plugin: an API with a GET /check route. */
export function apiTemplate(extra: Record<string, CfResource> = {}): CfTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      ApiGatewayRestApi: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'dev-svc', Policy: '' } },
      ApiGatewayDeployment123: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, StageName: 'dev' } },
      ...extra,
    },
    Outputs: {},
  };
}
