import type { CollectionTag, ScalarTag, YAMLMap, YAMLSeq } from 'yaml';

/**
 * CloudFormation intrinsic functions are kept, not evaluated: the AWS target hands them to CloudFormation
 * and the local target resolves them against what it deployed. Only the long form is ever produced.
 */
export type CfIntrinsic =
  | { Ref: string }
  | { 'Fn::GetAtt': [string, string] }
  | { 'Fn::Sub': string | [string, Record<string, unknown>] }
  | { 'Fn::Join': [string, unknown[]] }
  | { 'Fn::ImportValue': unknown }
  | OtherIntrinsic;

const OTHER_FUNCTIONS = [
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::GetAZs',
  'Fn::Cidr',
  'Fn::Length',
  'Fn::ToJsonString',
  'Condition',
] as const;
type OtherName = (typeof OTHER_FUNCTIONS)[number];
type OtherIntrinsic = { [K in OtherName]: Record<K, unknown> }[OtherName];

const FUNCTION_KEYS: ReadonlySet<string> = new Set(['Ref', 'Fn::GetAtt', 'Fn::Sub', 'Fn::Join', 'Fn::ImportValue', ...OTHER_FUNCTIONS]);

export function isIntrinsic(value: unknown): value is CfIntrinsic {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && FUNCTION_KEYS.has(keys[0]!);
}

/** `Fn::GetAtt: A.B` and `!GetAtt A.B` become `[A, B]`; the attribute keeps any further dots (`Endpoint.Address`). */
export function normalizeGetAtt(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const dot = value.indexOf('.');
  return dot < 0 ? value : [value.slice(0, dot), value.slice(dot + 1)];
}

/** Rewrites every intrinsic below `value` into its canonical long form (after variables are resolved). */
export function canonicalIntrinsics(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalIntrinsics);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = canonicalIntrinsics(v);
  if (isIntrinsic(value) && 'Fn::GetAtt' in out) out['Fn::GetAtt'] = normalizeGetAtt(out['Fn::GetAtt']);
  return out;
}

const SHORT_TAGS = ['Ref', 'Condition', 'GetAtt', 'Sub', 'Join', 'ImportValue', ...OTHER_FUNCTIONS.filter((f) => f.startsWith('Fn::')).map((f) => f.slice(4))];

/** Custom tags for the yaml package: `!Ref X` parses as `{ Ref: X }`, `!Join [..]` as `{ 'Fn::Join': [..] }`. */
export const cloudFormationTags: (ScalarTag | CollectionTag)[] = SHORT_TAGS.flatMap((short) => {
  const fn = short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`;
  const scalar: ScalarTag = { tag: `!${short}`, resolve: (text: string) => ({ [fn]: text }) };
  const seq: CollectionTag = {
    tag: `!${short}`,
    collection: 'seq',
    resolve: (node: YAMLSeq | YAMLMap) => ({ [fn]: node.toJSON() as unknown }),
  };
  const map: CollectionTag = {
    tag: `!${short}`,
    collection: 'map',
    resolve: (node: YAMLSeq | YAMLMap) => ({ [fn]: node.toJSON() as unknown }),
  };
  return [scalar, seq, map];
});
