import { describe, expect, it } from 'vitest';
import { phraseExpression, termsExpression, tokenize } from '../tokenize.js';

describe('tokenize: user text never reaches FTS5 as syntax', () => {
  it('keeps words and drops operators and punctuation', () => {
    expect(tokenize('name:* " OR 1=1 (NEAR) ^2')).toEqual(['name', 'or', '1', 'near', '2']);
    expect(termsExpression('a "b" c*', 'and')).toBe('"a" AND "b" AND "c"');
    expect(phraseExpression('to be or not to be')).toBe('"to be or not to be"');
  });

  it('yields nothing searchable for pure syntax or control characters', () => {
    expect(termsExpression('*:"()\u0000\u001f', 'or')).toBeNull();
    expect(tokenize('')).toEqual([]);
  });

  it('keeps non-Latin words and bounds huge inputs', () => {
    expect(tokenize('Café 東京')).toEqual(['café', '東京']);
    expect(tokenize(Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ')).length).toBe(256);
  });
});
