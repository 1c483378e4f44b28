import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployOrder, type StackToOrder } from '../deploy/deployOrder.js';
import { DeployOrderError } from '../errors.js';

const dir = mkdtempSync(join(tmpdir(), 'meridian-order-'));

function stack(service: string, template: Record<string, unknown>): StackToOrder {
  const file = join(dir, `${service}.json`);
  writeFileSync(file, JSON.stringify({ Resources: {}, ...template }));
  return { service, stackName: `${service}-dev`, region: 'us-east-1', template: file };
}

describe('deployOrder: a stack whose exports another imports goes first', () => {
  it('orders by Fn::ImportValue of exports, evaluating ${AWS::StackName} and Fn::Join', () => {
    const search = stack('search', {
      Resources: {
        Fn: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: { 'Fn::ImportValue': 'destinations-dev-read-model-stream' } } },
        Other: { Type: 'X', Properties: { V: { 'Fn::ImportValue': { 'Fn::Join': ['-', ['homepage', 'dev', 'site']] } } } },
      },
    });
    const homepage = stack('homepage', { Outputs: { Site: { Value: 'x', Export: { Name: { 'Fn::Sub': '${AWS::StackName}-site' } } } } });
    const destinations = stack('destinations', { Outputs: { S: { Value: 'x', Export: { Name: 'destinations-dev-read-model-stream' } } } });
    const { order, external } = deployOrder([search, homepage, destinations]);
    expect(order.map((s) => s.service)).toEqual(['homepage', 'destinations', 'search']);
    expect(external).toEqual([]);
  });

  it('reports imports no service exports (they must exist already) and keeps the given order otherwise', () => {
    const a = stack('a', { Resources: { R: { Type: 'X', Properties: { V: { 'Fn::ImportValue': 'elsewhere-stream' } } } } });
    const b = stack('b', {});
    const { order, external } = deployOrder([a, b]);
    expect(order.map((s) => s.service)).toEqual(['a', 'b']);
    expect(external).toEqual([{ service: 'a', name: 'elsewhere-stream' }]);
  });

  it('refuses a cycle, naming who imports from whom', () => {
    const a = stack('a', { Outputs: { O: { Value: 1, Export: { Name: 'a-out' } } }, Resources: { R: { Type: 'X', Properties: { V: { 'Fn::ImportValue': 'b-out' } } } } });
    const b = stack('b', { Outputs: { O: { Value: 1, Export: { Name: 'b-out' } } }, Resources: { R: { Type: 'X', Properties: { V: { 'Fn::ImportValue': 'a-out' } } } } });
    expect(() => deployOrder([a, b])).toThrow(DeployOrderError);
    expect(() => deployOrder([a, b])).toThrow(/a \(a-dev\) imports from b\n  b \(b-dev\) imports from a/);
  });
});
