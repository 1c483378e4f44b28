import { describe, expect, it } from 'vitest';
import { resolveValue, type ResolveScope } from '../intrinsics.js';

const scope: ResolveScope = {
  region: 'us-west-2',
  accountId: '111111111111',
  stackName: 'probe-local',
  attribute: (id, attr) => (id === 'Table' ? ({ Ref: 'probe-items', Arn: 'arn:table', StreamArn: 'arn:stream' } as Record<string, string>)[attr ?? 'Ref'] : undefined),
  importValue: (name) => (name === 'shared-name' ? 'shared-value' : undefined),
  conditions: { IsWest: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-west-2'] }, IsEast: { 'Fn::Not': [{ Condition: 'IsWest' }] } },
};
const resolve = (v: unknown) => resolveValue(v, scope, 'x');

describe('resolving CloudFormation intrinsics locally', () => {
  it('resolves Ref, GetAtt, pseudo parameters, Sub (with its variables and ${!literal}), Join, Select, Split', () => {
    expect(resolve({ Ref: 'Table' })).toBe('probe-items');
    expect(resolve({ 'Fn::GetAtt': ['Table', 'StreamArn'] })).toBe('arn:stream');
    expect(resolve({ 'Fn::Sub': '${Table.Arn}/index/*:${AWS::Region}:${AWS::AccountId}:${!Literal}' })).toBe('arn:table/index/*:us-west-2:111111111111:${Literal}');
    expect(resolve({ 'Fn::Sub': ['${A}-${Table}', { A: { Ref: 'AWS::StackName' } }] })).toBe('probe-local-probe-items');
    expect(resolve({ 'Fn::Join': ['-', ['a', { Ref: 'Table' }]] })).toBe('a-probe-items');
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
  });

  it('evaluates conditions, and AWS::NoValue removes a key', () => {
    expect(resolve({ 'Fn::If': ['IsWest', 'west', 'east'] })).toBe('west');
    expect(resolve({ 'Fn::If': ['IsEast', 'east', 'not east'] })).toBe('not east');
    expect(resolve({ a: 1, b: { 'Fn::If': ['IsEast', 2, { Ref: 'AWS::NoValue' }] } })).toEqual({ a: 1 });
  });

  it('imports exports of services deployed in the region, and says what to do when there is none', () => {
    expect(resolve({ 'Fn::ImportValue': 'shared-name' })).toBe('shared-value');
    expect(() => resolve({ 'Fn::ImportValue': 'missing' })).toThrow(/no service deployed in us-west-2 exports it; deploy the service that exports it first/);
  });

  it('names the place and the reason for what it cannot resolve', () => {
    expect(() => resolve({ Ref: 'Nope' })).toThrow(/x: Ref Nope: no such resource/);
    expect(() => resolve({ 'Fn::GetAtt': ['Table', 'Nope'] })).toThrow(/Fn::GetAtt Table.Nope/);
    expect(() => resolve({ kind: 'cf', stack: 's', output: 'o' })).toThrow(/Fn::ImportValue/);
    expect(() => resolve({ 'Fn::GetAZs': '' })).toThrow(/not resolved by the local cloud/);
  });
});
