/**
 * User text → FTS5 query text. User input never reaches FTS5's query parser as syntax: we cut it
 * into word tokens ourselves (letters, digits, marks, private-use, the same classes the unicode61
 * tokenizer keeps) and wrap each in double quotes, so `*`, `NEAR`, `OR`, `:`, `^`, `"` and
 * parentheses are either dropped as separators or matched as plain words.
 */
const WORD = /[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{M}\p{Co}]*/gu;

/** Elasticsearch's default indices.query.bool.max_clause_count is far higher; this bounds FTS work. */
export const MAX_QUERY_TOKENS = 256;

/** Words in order (for phrases), at most MAX_QUERY_TOKENS. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    out.push(match[0].toLowerCase());
    if (out.length >= MAX_QUERY_TOKENS) break;
  }
  return out;
}

/** Distinct words: repeating a term in an OR adds nothing but work. */
export function tokenize(text: string): string[] {
  return [...new Set(words(text))];
}

/** A safe FTS5 string literal; tokens hold no quotes, doubling them is belt and braces. */
export function quote(token: string): string {
  return `"${token.replaceAll('"', '""')}"`;
}

export type Operator = 'or' | 'and';

/** `"a" OR "b"` (or AND), or null when the text has no searchable words. */
export function termsExpression(text: string, operator: Operator): string | null {
  const tokens = tokenize(text);
  if (tokens.length === 0) return null;
  return tokens.map(quote).join(operator === 'and' ? ' AND ' : ' OR ');
}

/** One FTS5 phrase: the tokens in order. */
export function phraseExpression(text: string): string | null {
  const tokens = words(text);
  return tokens.length === 0 ? null : quote(tokens.join(' '));
}
