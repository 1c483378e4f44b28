import type { KeyPath } from './errors.js';
import { kindOf, type Fields } from './fields.js';
import { isDeferred } from './deferred.js';
import { isIntrinsic } from './intrinsics.js';
import type { EnvValue } from './model.js';

/** Lambda environment values are text; numbers and booleans are written as text, references are kept. */
export function environment(raw: unknown, path: KeyPath, f: Fields): Record<string, EnvValue> {
  const out: Record<string, EnvValue> = {};
  for (const [name, value] of Object.entries(f.record(raw, path))) {
    const at = [...path, name];
    if (!/^[a-zA-Z]\w*$/.test(name)) f.fail(at, 'environment variable names start with a letter and contain only letters, digits and _');
    if (typeof value === 'string') out[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
    else if (isIntrinsic(value) || isDeferred(value)) out[name] = value;
    else f.fail(at, `must be text, a number, a boolean or a reference (Ref, Fn::GetAtt, \${cf:...}), got ${kindOf(value)}`);
  }
  return out;
}
