import type { AttributeValue } from 'aws-lambda';

/**
 * A DynamoDB stream image (wire format) as a plain object. Numbers become JS numbers (a read model's
 * coordinates and versions fit), sets become arrays, binary stays base64 text: enough to build a view,
 * without a dependency the project does not declare (@aws-sdk/util-dynamodb).
 */
export function fromImage(image: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(image)) out[name] = fromValue(value);
  return out;
}

function fromValue(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.M !== undefined) return fromImage(v.M);
  if (v.L !== undefined) return v.L.map(fromValue);
  if (v.SS !== undefined) return [...v.SS];
  if (v.NS !== undefined) return v.NS.map(Number);
  if (v.B !== undefined) return v.B;
  if (v.BS !== undefined) return [...v.BS];
  return undefined;
}
