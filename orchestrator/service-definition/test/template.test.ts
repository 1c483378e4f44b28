import { describe, expect, it } from 'vitest';
import { hasVariables, parseTemplate } from '../template.js';

describe('the variable syntax', () => {
  it('splits text and variables, with sources and fallbacks', () => {
    const parts = parseTemplate("${opt:stage, 'dev'}-svc");
    expect(parts).toHaveLength(2);
    expect(parts[1]).toBe('-svc');
    const first = parts[0];
    expect(typeof first === 'object' && first.sources.map((s) => s.kind)).toEqual(['variable', 'literal']);
  });

  it('keeps nested variables inside parameters and addresses', () => {
    const [only] = parseTemplate('${file(../../config/${opt:region}.yml):names.searchBucket}');
    expect(typeof only === 'object' && only.sources[0]).toMatchObject({ kind: 'variable', type: 'file' });
  });

  it('treats CloudFormation substitutions as text', () => {
    for (const text of ['${AWS::Region}', '${Bucket.Arn}', '${Name}', 'plain', '$notavar']) expect(hasVariables(text)).toBe(false);
    expect(hasVariables('x-${self:service}')).toBe(true);
    expect(hasVariables('${file(./a.yml)}')).toBe(true);
  });
});
