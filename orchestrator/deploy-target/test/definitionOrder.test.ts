import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadService, type ServiceDefinition } from '../../service-definition/index.js';
import { definitionLinks, deployOrder } from '../../serviceCatalog.js';
import { DeployOrderError } from '../dependencyOrder.js';

/*
 * The shared order fed by the ServiceDefinition extractor, as the local cloud uses it: real serverless.yml
 * files in a temporary folder, loaded by the same loader the local deployer uses.
 */
const root = mkdtempSync(join(tmpdir(), 'meridian-definition-order-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function service(name: string, lines: string[]): ServiceDefinition {
  const dir = join(root, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'f.ts'), 'export const handler = async () => ({});\n');
  writeFileSync(join(dir, 'serverless.yml'), [`service: ${name}`, 'provider: { name: aws, runtime: nodejs22.x }', ...lines].join('\n'));
  return loadService(dir, { stage: 'local', region: 'us-east-1' });
}

const exporting = (name: string) => ['resources:', '  Outputs:', '    Out:', '      Value: x', `      Export: { Name: ${name} }`];
const importing = (name: string, key = 'Imported') => ['resources:', '  Resources:', `    ${key}:`, '      Type: AWS::SNS::Topic', `      Properties: { TopicName: !ImportValue ${name} }`];

describe('deployOrder of service definitions: exporters first, otherwise by name', () => {
  it('reads exports from Outputs and imports wherever Fn::ImportValue appears (function environment, resources, Fn::Sub without references)', () => {
    const def = service('reader', [
      'functions:',
      '  f:',
      '    handler: src/f.handler',
      '    environment:',
      '      STREAM: !ImportValue stream-export',
      'resources:',
      '  Resources:',
      '    T:',
      '      Type: AWS::SNS::Topic',
      "      Properties: { TopicName: { 'Fn::ImportValue': { 'Fn::Sub': 'topic-export' } } }",
      '    U:',
      '      Type: AWS::SNS::Topic',
      "      Properties: { TopicName: { 'Fn::ImportValue': { 'Fn::Sub': '${AWS::StackName}-unknowable' } } }",
      '  Outputs:',
      '    Mine:',
      '      Value: x',
      '      Export: { Name: reader-export }',
    ]);
    const links = definitionLinks(def);
    expect(links.service).toBe('reader');
    expect(links.stackName).toBe('reader-local');
    expect(links.exports).toEqual(['reader-export']);
    expect(links.imports.sort()).toEqual(['stream-export', 'topic-export']);
  });

  it('puts an importer after its exporter even when its name sorts first, and the rest by name', () => {
    const alpha = service('alpha', importing('zulu-out'));
    const mike = service('mike', []);
    const zulu = service('zulu', exporting('zulu-out'));
    expect(deployOrder([zulu, mike, alpha]).map((d) => d.service)).toEqual(['mike', 'zulu', 'alpha']);
    expect(deployOrder([alpha, zulu]).map((d) => d.service)).toEqual(['zulu', 'alpha']);
  });

  it('follows a chain, ignores a service importing its own export and imports nobody here exports', () => {
    const a = service('chain-a', [...importing('chain-b-out', 'FromB'), ...exporting('chain-a-out').slice(1)]);
    const b = service('chain-b', [...importing('chain-c-out', 'FromC'), ...exporting('chain-b-out').slice(1)]);
    const c = service('chain-c', [...importing('chain-c-out', 'Self'), '    Elsewhere:', '      Type: AWS::SNS::Topic', '      Properties: { TopicName: !ImportValue not-here }', ...exporting('chain-c-out').slice(1)]);
    expect(definitionLinks(c).imports.sort()).toEqual(['chain-c-out', 'not-here']);
    expect(deployOrder([a, b, c]).map((d) => d.service)).toEqual(['chain-c', 'chain-b', 'chain-a']);
  });

  it('refuses a cycle with the message that says who imports from whom and what to do', () => {
    const a = service('cycle-a', [...importing('cycle-b-out'), ...exporting('cycle-a-out').slice(1)]);
    const b = service('cycle-b', [...importing('cycle-a-out'), ...exporting('cycle-b-out').slice(1)]);
    const attempt = () => deployOrder([b, a]);
    expect(attempt).toThrow(DeployOrderError);
    expect(attempt).toThrow(/in a cycle, so none of them can be deployed first:\n {2}cycle-a \(cycle-a-local\) imports from cycle-b\n {2}cycle-b \(cycle-b-local\) imports from cycle-a\nMove the shared resource into one of them/);
  });
});
