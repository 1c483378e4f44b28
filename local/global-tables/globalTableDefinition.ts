import type { GlobalTableDefinition } from './replicationState.js';

const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Checks a definition from outside (control API, a serverless.yml); returns it or the reason it is wrong. */
export function parseGlobalTableDefinition(input: unknown): GlobalTableDefinition | string {
  if (!input || typeof input !== 'object') return 'a global table definition must be a JSON object';
  const o = input as Record<string, unknown>;
  if (typeof o.tableName !== 'string' || !TABLE_NAME.test(o.tableName)) return 'tableName must be 3-255 characters of a-z, A-Z, 0-9, _ . -';
  const mode = o.mode ?? 'current';
  if (mode !== 'current' && mode !== 'legacy') return 'mode must be "current" or "legacy"';
  if (!Array.isArray(o.keySchema) || o.keySchema.length < 1 || o.keySchema.length > 2) return 'keySchema must list a HASH key and optionally a RANGE key';
  const keySchema: GlobalTableDefinition['keySchema'] = [];
  for (const k of o.keySchema as unknown[]) {
    const e = k as Record<string, unknown>;
    if (typeof e?.AttributeName !== 'string' || (e.KeyType !== 'HASH' && e.KeyType !== 'RANGE')) return 'each keySchema entry needs AttributeName and KeyType HASH or RANGE';
    keySchema.push({ AttributeName: e.AttributeName, KeyType: e.KeyType });
  }
  if (keySchema[0]?.KeyType !== 'HASH' || (keySchema[1] && keySchema[1].KeyType !== 'RANGE')) return 'keySchema must start with the HASH key, then the RANGE key';
  if (!Array.isArray(o.attributeDefinitions)) return 'attributeDefinitions must be a list';
  const attributeDefinitions: GlobalTableDefinition['attributeDefinitions'] = [];
  for (const a of o.attributeDefinitions as unknown[]) {
    const e = a as Record<string, unknown>;
    if (typeof e?.AttributeName !== 'string' || (e.AttributeType !== 'S' && e.AttributeType !== 'N' && e.AttributeType !== 'B')) {
      return 'each attributeDefinitions entry needs AttributeName and AttributeType S, N or B';
    }
    attributeDefinitions.push({ AttributeName: e.AttributeName, AttributeType: e.AttributeType });
  }
  for (const k of keySchema) {
    if (!attributeDefinitions.some((a) => a.AttributeName === k.AttributeName)) return `key attribute ${k.AttributeName} has no attributeDefinitions entry`;
  }
  return { tableName: o.tableName, mode, keySchema, attributeDefinitions };
}
