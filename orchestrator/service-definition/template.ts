/**
 * Parses the framework's variable syntax inside one string: `${source(params):address, fallback, ...}`.
 * Only `${name:...}` and `${name(...)}` are variables; anything else in `${...}` (CloudFormation's
 * `${AWS::Region}` or `${Bucket.Arn}` inside Fn::Sub) is plain text and stays as it is.
 */

/** A string with variables in it: literal text and variables, in order. */
export type Template = (string | VariableExpr)[];

export interface VariableExpr {
  /** The variable as written, `${opt:stage, 'dev'}`, for error messages. */
  raw: string;
  /** The first source, then fallbacks tried in order when a source has no value. */
  sources: SourceExpr[];
}

export type SourceExpr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'variable'; type: string; params?: Template; address: Template; raw: string };

export class TemplateSyntaxError extends Error {}

/** True also for a malformed variable, so that evaluating it reports the syntax error with its key path. */
export function hasVariables(text: string): boolean {
  if (!text.includes('${')) return false;
  try {
    return parseTemplate(text).some((part) => typeof part !== 'string');
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return true;
    throw e;
  }
}

export function parseTemplate(text: string): Template {
  const parts: Template = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) break;
    const end = closingBrace(text, start + 2);
    if (end < 0) {
      // An unterminated `${` that would be a variable is a typo the user must see; anything else is text.
      if (headOf(text.slice(start + 2))) throw new TemplateSyntaxError(`"${text}" has a variable with no closing "}"`);
      break;
    }
    const content = text.slice(start + 2, end);
    literal += text.slice(i, start);
    if (headOf(content.trimStart())) {
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(parseVariable(content, text.slice(start, end + 1)));
    } else {
      literal += text.slice(start, end + 1);
    }
    i = end + 1;
  }
  literal += text.slice(i);
  if (literal !== '') parts.push(literal);
  return parts;
}

function parseVariable(content: string, raw: string): VariableExpr {
  const pieces = splitTopLevel(content, ',').map((p) => p.trim());
  const sources = pieces.map((piece, index) => parseSource(piece, raw, index));
  if (sources[0]?.kind !== 'variable') {
    throw new TemplateSyntaxError(`${raw} must start with a variable source such as opt:, self:, env: or file(...)`);
  }
  return { raw, sources };
}

function parseSource(piece: string, raw: string, index: number): SourceExpr {
  if (piece === '') throw new TemplateSyntaxError(`${raw} has an empty source at position ${index + 1}`);
  // `${opt:stage, ${self:provider.stage}}`: a fallback written as a nested variable.
  if (piece.startsWith('${') && closingBrace(piece, 2) === piece.length - 1) return parseSource(piece.slice(2, -1).trim(), raw, index);
  const quote = piece[0];
  if (quote === "'" || quote === '"') {
    if (piece.length < 2 || piece[piece.length - 1] !== quote) throw new TemplateSyntaxError(`${raw} has an unterminated string ${piece}`);
    return { kind: 'literal', value: piece.slice(1, -1) };
  }
  if (/^-?\d+(\.\d+)?$/.test(piece)) return { kind: 'literal', value: Number(piece) };
  if (piece === 'true' || piece === 'false') return { kind: 'literal', value: piece === 'true' };
  if (piece === 'null') return { kind: 'literal', value: null };
  const head = headOf(piece);
  if (!head) throw new TemplateSyntaxError(`${raw}: "${piece}" is neither a variable source nor a quoted string`);
  const variable: SourceExpr = { kind: 'variable', type: head.type, address: parseTemplate(piece.slice(head.length)), raw: piece };
  if (head.params !== undefined) variable.params = parseTemplate(head.params);
  return variable;
}

/**
 * The `name(params):` at the start of a source, if it is one. `name::` (CloudFormation's `AWS::Region`)
 * is not; `name(params)` without an address is (`${file(./x.yml)}`).
 */
function headOf(text: string): { type: string; params?: string; length: number } | undefined {
  const name = /^[a-zA-Z][\w-]*/.exec(text);
  if (!name) return undefined;
  let at = name[0].length;
  let params: string | undefined;
  if (text[at] === '(') {
    const close = closingParen(text, at + 1);
    if (close < 0) return undefined;
    params = text.slice(at + 1, close);
    at = close + 1;
    const rest = text.slice(at).trimStart();
    if (rest === '' || rest.startsWith(',')) return { type: name[0], params, length: at };
  }
  if (text[at] !== ':' || text[at + 1] === ':') return undefined;
  return params === undefined ? { type: name[0], length: at + 1 } : { type: name[0], params, length: at + 1 };
}

/** Index of the `}` closing a `${` whose content starts at `from`; nested `${...}` and quotes are skipped. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      // A quote only opens a string where a fallback can start; `it's` in plain text is not a string.
      if (/[,\s]$/.test(text.slice(from, i)) || i === from) quote = c;
    } else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function closingParen(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Splits on `sep` outside nested `${...}`, parentheses and quotes. */
function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if ((c === "'" || c === '"') && text.slice(start, i).trim() === '') {
      quote = c;
    } else if (c === '{' || c === '(') depth++;
    else if (c === '}' || c === ')') depth--;
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}
