import { SnsError, invalidParameter } from './errors.js';

/** Query-protocol parameters: a form-encoded body (or URL query), flattened `A.entry.1.key` style. */
export class QueryParams {
  constructor(private readonly params: URLSearchParams) {}

  optional(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  required(name: string): string {
    const value = this.params.get(name);
    if (value === null) {
      throw new SnsError('ValidationError', `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
    }
    return value;
  }

  /** `Prefix.entry.N.key` / `Prefix.entry.N.value` pairs, as the SDK sends string maps. */
  stringMap(prefix: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 1; this.params.has(`${prefix}.entry.${i}.key`); i++) {
      out[this.params.get(`${prefix}.entry.${i}.key`) ?? ''] = this.params.get(`${prefix}.entry.${i}.value`) ?? '';
    }
    return out;
  }

  /** Publish's MessageAttributes, in the `{ Type, Value }` shape the Lambda event carries them. */
  messageAttributes(): Record<string, { Type: string; Value: string }> {
    const out: Record<string, { Type: string; Value: string }> = {};
    const p = 'MessageAttributes.entry';
    for (let i = 1; this.params.has(`${p}.${i}.Name`); i++) {
      const name = this.params.get(`${p}.${i}.Name`) ?? '';
      const type = this.params.get(`${p}.${i}.Value.DataType`);
      if (!type) throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute type.`);
      const value = this.params.get(`${p}.${i}.Value.StringValue`) ?? this.params.get(`${p}.${i}.Value.BinaryValue`);
      if (value === null) throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute value.`);
      out[name] = { Type: type, Value: value };
    }
    return out;
  }
}
