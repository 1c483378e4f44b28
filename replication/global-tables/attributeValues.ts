import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeValue as StreamAttributeValue } from 'aws-lambda';

/** An item as DynamoDB's wire format describes it: attribute name → typed value. */
export type Item = Record<string, AttributeValue>;

/** The same item as a stream record Lambda delivers carries it (binary as base64 text). */
export type StreamItem = Record<string, StreamAttributeValue>;

/**
 * A JSON form of an item that round-trips exactly (binary as base64, sets sorted), so images can
 * be stored in SQLite and compared by hash whatever order the attributes came in.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export function itemToJson(item: Item | StreamItem): { [k: string]: JsonValue } {
  const out: { [k: string]: JsonValue } = {};
  for (const name of Object.keys(item).sort()) out[name] = valueToJson(item[name]!);
  return out;
}

export function itemFromJson(json: { [k: string]: JsonValue }): Item {
  const out: Item = {};
  for (const [name, v] of Object.entries(json)) out[name] = valueFromJson(v);
  return out;
}

function valueToJson(v: AttributeValue | StreamAttributeValue): JsonValue {
  if (v.S !== undefined) return { S: v.S };
  if (v.N !== undefined) return { N: normalizeNumber(v.N) };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL };
  if (v.NULL !== undefined) return { NULL: true };
  if (v.B !== undefined) return { B: Buffer.from(v.B).toString('base64') };
  if (v.SS !== undefined) return { SS: [...v.SS].sort() };
  if (v.NS !== undefined) return { NS: v.NS.map(normalizeNumber).sort() };
  if (v.BS !== undefined) return { BS: v.BS.map((b) => Buffer.from(b).toString('base64')).sort() };
  if (v.L !== undefined) return { L: v.L.map(valueToJson) };
  if (v.M !== undefined) return { M: itemToJson(v.M) };
  throw new Error(`unsupported attribute value: ${JSON.stringify(Object.keys(v))}`);
}

/**
 * DynamoDB stores numbers normalised ("1.500" comes back as "1.5"), so a written image and the
 * image its stream record shows must compare equal after the same normalisation.
 */
export function normalizeNumber(n: string): string {
  const m = /^([+-]?)0*(\d*?)(?:\.(\d*?)0*)?$/.exec(n.trim());
  if (!m) return n; // exponent forms are left as written
  const int = m[2] || '0';
  const frac = m[3] ?? '';
  const sign = m[1] === '-' && (int !== '0' || frac !== '') ? '-' : '';
  return frac ? `${sign}${int}.${frac}` : `${sign}${int}`;
}

function valueFromJson(v: JsonValue): AttributeValue {
  const o = v as { [k: string]: JsonValue };
  if ('S' in o) return { S: o.S as string };
  if ('N' in o) return { N: o.N as string };
  if ('BOOL' in o) return { BOOL: o.BOOL as boolean };
  if ('NULL' in o) return { NULL: true };
  if ('B' in o) return { B: Buffer.from(o.B as string, 'base64') };
  if ('SS' in o) return { SS: o.SS as string[] };
  if ('NS' in o) return { NS: o.NS as string[] };
  if ('BS' in o) return { BS: (o.BS as string[]).map((b) => Buffer.from(b, 'base64')) };
  if ('L' in o) return { L: (o.L as JsonValue[]).map(valueFromJson) };
  if ('M' in o) return { M: itemFromJson(o.M as { [k: string]: JsonValue }) };
  throw new Error(`unsupported stored attribute value: ${JSON.stringify(v)}`);
}

/** Stable text of an item (attribute order and set order do not matter). */
export function canonicalItem(item: Item | StreamItem): string {
  return JSON.stringify(itemToJson(item));
}

/** The hash a region's copy is compared by; absent and deleted items share one. */
export const ABSENT = 'absent';

export function itemHash(item: Item | undefined): string {
  if (!item) return ABSENT;
  return createHash('sha256').update(canonicalItem(item)).digest('base64url');
}
