import { EsError, parsingError } from './esErrors.js';
import type { IndexHandle } from './indexStore.js';
import { dateMillis, keywordForm } from './flatten.js';
import { existsToken, keywordToken } from './keywordTokens.js';
import { quote, tokenize, words, type Operator } from './tokenize.js';

/**
 * Elasticsearch query DSL → one SQL subquery yielding (rid, score). Every node compiles to such a
 * subquery, so bool composes them with joins and the search layer only adds ORDER BY/LIMIT.
 * User values only ever travel as bound parameters; FTS5 match text comes from tokenize.ts.
 */
export interface SqlQuery {
  sql: string;
  params: Array<string | number>;
  /** Set on a full-text node (and on a bool that folds into one): what the searcher may optimise. */
  fts?: FtsPlan;
  /** Set on an exact-value node (term, terms, exists): its FTS5 expression over the kw column. */
  kw?: string;
}

/**
 * One FTS5 MATCH ranked by bm25: text words over some columns, plus exact-value conditions on the kw
 * column that must or must not hold. The kw column's bm25 weight is 0, so those conditions filter
 * without scoring, which is what bool's filter and must_not mean.
 */
export interface FtsPlan {
  /** bm25 weight per FTS column (text slots, then kw = 0). */
  weights: number[];
  /** The text columns searched, as an FTS5 column filter: `{c0 c1}`. */
  columns: string;
  /** Distinct words (or, for a phrase, the words in order). */
  tokens: string[];
  operator: Operator;
  phrase: boolean;
  /** kw-column expressions every hit must match (FTS5 AND), and ones no hit may match (a SQL filter). */
  required: string[];
  excluded: string[];
  /** Multiplies the score (a bool's boost). */
  scale: number;
}

/** The FTS5 text expression for `tokens` under the plan's operator: `"a" OR "b"`, `"a" AND "b"`, or a phrase. */
export function textExpression(plan: Pick<FtsPlan, 'operator' | 'phrase'>, tokens: string[]): string {
  if (plan.phrase) return quote(tokens.join(' '));
  return tokens.map(quote).join(plan.operator === 'and' ? ' AND ' : ' OR ');
}

/**
 * The plan's FTS5 MATCH expression: its text (or other words) AND the required exact values. Excluded
 * values are not in it: FTS5's NOT operator gives some matching rows a wrong bm25 (measured on SQLite
 * 3.53: a row's score dropped from 4.52 to 2.07 under `(text AND x) NOT y`), so renderFts excludes
 * them with a SQL filter instead; AND scores exactly as the text alone (checked on 55,000 rows).
 */
export function matchExpression(plan: FtsPlan, tokens: string[] = plan.tokens): string {
  const text = `(${plan.columns} : (${textExpression(plan, tokens)}))`;
  return plan.required.length === 0 ? text : `(${[text, ...plan.required.map((e) => `(${e})`)].join(' AND ')})`;
}

export interface RenderOptions {
  /** Rank these words instead of the plan's (the ranker drops words that cannot change the order). */
  tokens?: string[];
  /** Only rows from this rowid up (FTS5 seeks to it). */
  minRowid?: number;
  /**
   * Only rows that also match this FTS5 expression, checked as a filter before bm25 runs (the unary +
   * keeps SQLite from handing the IN to FTS5 as a constraint, which would re-run the MATCH per row).
   */
  within?: string;
}

/** The plan as SQL yielding (rid, score), bm25 weighted per column and scaled by the plan's boost. */
export function renderFts(ftsTable: string, plan: FtsPlan, opts: RenderOptions = {}): SqlQuery {
  const params: Array<string | number> = [matchExpression(plan, opts.tokens)];
  let where = `${ftsTable} MATCH ?`;
  if (opts.minRowid !== undefined) {
    where += ' AND rowid >= ?';
    params.push(opts.minRowid);
  }
  if (opts.within !== undefined) {
    where += ` AND +rowid IN (SELECT rowid FROM ${ftsTable} WHERE ${ftsTable} MATCH ?)`;
    params.push(opts.within);
  }
  if (plan.excluded.length > 0) {
    where += ` AND +rowid NOT IN (SELECT rowid FROM ${ftsTable} WHERE ${ftsTable} MATCH ?)`;
    params.push(plan.excluded.map((e) => `(${e})`).join(' OR '));
  }
  const scale = plan.scale === 1 ? '' : ` * ${num(plan.scale)}`;
  // bm25() is negative, lower = better; negate so higher is better, as _score is.
  return {
    sql: `SELECT rowid AS rid, -bm25(${ftsTable}, ${plan.weights.map(num).join(', ')})${scale} AS score FROM ${ftsTable} WHERE ${where}`,
    params,
    fts: plan,
  };
}

type Obj = Record<string, unknown>;

const KEYWORD_SUFFIX = '.keyword';

export class QueryTranslator {
  constructor(private readonly index: IndexHandle) {}

  translate(query: unknown): SqlQuery {
    if (!isObj(query)) throw parsingError('[_na] query malformed, must start with start_object');
    const keys = Object.keys(query);
    if (keys.length !== 1) {
      throw parsingError(keys.length === 0 ? 'query malformed, empty clause found' : `[${keys[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
    }
    const name = keys[0] as string;
    const body = query[name];
    switch (name) {
      case 'match_all':
        return this.all(boostOf(body));
      case 'match_none':
        return this.none();
      case 'match':
        return this.match(body, false);
      case 'match_phrase':
        return this.match(body, true);
      case 'multi_match':
        return this.multiMatch(body);
      case 'query_string':
      case 'simple_query_string':
        return this.plainTextQuery(name, body);
      case 'term':
        return this.term(body);
      case 'terms':
        return this.terms(body);
      case 'range':
        return this.range(body);
      case 'exists':
        return this.exists(body);
      case 'ids':
        return this.ids(body);
      case 'bool':
        return this.bool(body);
      case 'constant_score':
        return this.constantScore(body);
      default:
        throw new EsError(400, 'parsing_exception', `unknown query [${name}]`, { line: 1, col: 1 });
    }
  }

  all(boost = 1): SqlQuery {
    return { sql: `SELECT rid, ${num(boost)} AS score FROM ${this.index.docsTable}`, params: [] };
  }

  none(): SqlQuery {
    return { sql: `SELECT rid, 0.0 AS score FROM ${this.index.docsTable} WHERE 0`, params: [] };
  }

  /** Full-text over the given FTS columns; weights are the per-field boosts handed to bm25(). */
  private fullText(weights: Map<number, number>, text: string, operator: Operator, phrase: boolean): SqlQuery {
    const tokens = phrase ? words(text) : tokenize(text);
    if (tokens.length === 0 || weights.size === 0) return this.none();
    const { slots } = this.index;
    const plan: FtsPlan = {
      // One weight per text slot, then 0 for the kw column.
      weights: Array.from({ length: slots + 1 }, (_, i) => weights.get(i) ?? 0),
      columns: `{${[...weights.keys()].map((s) => `c${s}`).join(' ')}}`,
      tokens,
      operator,
      phrase,
      required: [],
      excluded: [],
      scale: 1,
    };
    return renderFts(this.index.ftsTable, plan);
  }

  private match(body: unknown, phrase: boolean): SqlQuery {
    const [field, spec] = singleField(body, phrase ? 'match_phrase' : 'match');
    const opts: Obj = isObj(spec) ? spec : { query: spec };
    const text = queryText(opts.query, phrase ? 'match_phrase' : 'match');
    const boost = boostOf(opts);
    const slot = this.index.textFields.get(field);
    if (slot === undefined) return this.keywordEquals(field, [text], boost);
    return this.fullText(new Map([[slot, boost]]), text, operatorOf(opts.operator), phrase);
  }

  private multiMatch(body: unknown): SqlQuery {
    if (!isObj(body)) throw parsingError('[multi_match] query malformed');
    const text = queryText(body.query, 'multi_match');
    const weights = this.resolveFields(body.fields, boostOf(body));
    return this.fullText(weights, text, operatorOf(body.operator), body.type === 'phrase');
  }

  /** query_string / simple_query_string: the query is treated as plain words, never as syntax. */
  private plainTextQuery(name: string, body: unknown): SqlQuery {
    if (!isObj(body)) throw parsingError(`[${name}] query malformed`);
    const text = queryText(body.query, name);
    const fields = body.fields ?? (typeof body.default_field === 'string' ? [body.default_field] : undefined);
    const weights = this.resolveFields(fields, boostOf(body));
    return this.fullText(weights, text, operatorOf(body.default_operator), false);
  }

  /** ["name^3", "desc*"] → FTS column → weight; no list (or "*") means every text field. */
  resolveFields(fields: unknown, boost: number): Map<number, number> {
    const specs = fields === undefined ? ['*'] : Array.isArray(fields) ? fields : [fields];
    const weights = new Map<number, number>();
    for (const spec of specs) {
      if (typeof spec !== 'string') throw parsingError('[fields] must be strings');
      const caret = spec.lastIndexOf('^');
      const pattern = caret >= 0 ? spec.slice(0, caret) : spec;
      const fieldBoost = caret >= 0 ? Number(spec.slice(caret + 1)) : 1;
      if (!Number.isFinite(fieldBoost) || fieldBoost < 0) throw parsingError(`invalid boost in field [${spec}]`);
      const matcher = globToRegExp(pattern);
      for (const [field, slot] of this.index.textFields) {
        if (matcher.test(field)) weights.set(slot, Math.max(weights.get(slot) ?? 0, fieldBoost * boost));
      }
    }
    return weights;
  }

  private term(body: unknown): SqlQuery {
    const [field, spec] = singleField(body, 'term');
    const value = isObj(spec) ? spec.value : spec;
    if (value === undefined || isObj(value) || Array.isArray(value)) throw parsingError('[term] query does not support array or object values');
    return this.keywordEquals(field, [value], boostOf(isObj(spec) ? spec : {}));
  }

  private terms(body: unknown): SqlQuery {
    if (!isObj(body)) throw parsingError('[terms] query malformed');
    const fields = Object.keys(body).filter((k) => k !== 'boost' && k !== '_name');
    if (fields.length !== 1) throw parsingError('[terms] query requires exactly one field');
    const field = fields[0] as string;
    const values = body[field];
    if (!Array.isArray(values)) throw parsingError('[terms] query requires an array of values');
    return this.keywordEquals(field, values, boostOf(body));
  }

  /** Exact values: strings match as stored (the `.keyword` view), numbers and booleans by value. */
  private keywordEquals(field: string, values: unknown[], boost: number): SqlQuery {
    const tokens: string[] = [];
    for (const v of values) {
      const form = keywordForm(v);
      if (form === undefined) continue;
      for (const f of fieldVariants(field)) tokens.push(quote(keywordToken(f, form)));
    }
    return this.exactTokens(tokens, boost);
  }

  /** Matches opaque kw-column tokens; a constant score, as ES gives term queries per matching doc. */
  private exactTokens(tokens: string[], boost: number): SqlQuery {
    if (tokens.length === 0) return this.none();
    const { ftsTable } = this.index;
    const kw = `{kw} : (${tokens.join(' OR ')})`;
    return { sql: `SELECT rowid AS rid, ${num(boost)} AS score FROM ${ftsTable} WHERE ${ftsTable} MATCH ?`, params: [kw], kw };
  }

  /** Numbers, and dates (strings are parsed as dates, compared as epoch ms). */
  private range(body: unknown): SqlQuery {
    const [field, spec] = singleField(body, 'range');
    if (!isObj(spec)) throw parsingError('[range] query malformed, no start_object after field name');
    const ops: Array<[string, string]> = [['gte', '>='], ['gt', '>'], ['lte', '<='], ['lt', '<'], ['from', '>='], ['to', '<=']];
    const where: string[] = [];
    const params: Array<string | number> = [];
    for (const [key, op] of ops) {
      const v = spec[key];
      if (v === undefined || v === null) continue;
      const bound = typeof v === 'number' ? v : typeof v === 'string' ? (dateMillis(v) ?? Number(v)) : NaN;
      if (!Number.isFinite(bound)) throw parsingError(`[range] [${key}] must be a number or a date, found [${String(v)}]`);
      where.push(` AND value ${op} ?`);
      params.push(bound);
    }
    const fields = fieldVariants(field);
    return {
      sql: `SELECT DISTINCT rid, ${num(boostOf(spec))} AS score FROM ${this.index.numTable} WHERE field IN (${fields.map(() => '?').join(', ')})${where.join('')}`,
      params: [...fields, ...params],
    };
  }

  private exists(body: unknown): SqlQuery {
    if (!isObj(body) || typeof body.field !== 'string') throw parsingError('[exists] must be provided with a [field]');
    return this.exactTokens(fieldVariants(body.field).map((f) => quote(existsToken(f))), boostOf(body));
  }

  private ids(body: unknown): SqlQuery {
    if (!isObj(body) || !Array.isArray(body.values)) throw parsingError('[ids] query requires [values]');
    const values = body.values.filter((v): v is string => typeof v === 'string');
    if (values.length === 0) return this.none();
    return {
      sql: `SELECT rid, ${num(boostOf(body))} AS score FROM ${this.index.docsTable} WHERE id IN (${values.map(() => '?').join(', ')})`,
      params: values,
    };
  }

  private constantScore(body: unknown): SqlQuery {
    if (!isObj(body) || body.filter === undefined) throw parsingError('[constant_score] requires a \'filter\' element');
    const inner = this.translate(body.filter);
    return { sql: `SELECT rid, ${num(boostOf(body))} AS score FROM (${inner.sql})`, params: inner.params };
  }

  /**
   * must: joined, scores add up; filter: IN, no score; should: LEFT JOIN, scores add, and at least
   * minimum_should_match of them must hit (1 when there is no must/filter); must_not: NOT IN.
   * Every clause is a MATERIALIZED CTE: left to itself SQLite flattens the FTS subqueries and pushes
   * `rowid IN (...)` into FTS5, which then re-runs the MATCH per row (seconds instead of milliseconds).
   */
  private bool(body: unknown): SqlQuery {
    if (!isObj(body)) throw parsingError('[bool] query malformed');
    const clauses = (key: string): SqlQuery[] => {
      const v = body[key];
      if (v === undefined || v === null) return [];
      return (Array.isArray(v) ? v : [v]).map((q) => this.translate(q));
    };
    const must = clauses('must');
    const filter = clauses('filter');
    const should = clauses('should');
    const mustNot = clauses('must_not');
    const msm = minimumShouldMatch(body.minimum_should_match, should.length, must.length + filter.length > 0);
    if (msm > should.length) return this.none();
    const folded = this.foldIntoOneMatch(must, should, filter, mustNot, boostOf(body));
    if (folded) return folded;

    const ctes: string[] = [];
    const params: Array<string | number> = [];
    const cte = (q: SqlQuery): string => {
      const name = `c${ctes.length}`;
      ctes.push(`${name} AS MATERIALIZED (${q.sql})`);
      params.push(...q.params);
      return name;
    };
    const mustNames = must.map(cte);
    const shouldNames = should.map(cte);
    const filterNames = filter.map(cte);
    const mustNotNames = mustNot.map(cte);

    const scores: string[] = [];
    const joins: string[] = [];
    const where: string[] = [];
    let from: string;
    const [first, ...rest] = mustNames;
    if (first) {
      from = `${first} q0`;
      scores.push('q0.score');
    } else if (msm > 0) {
      // Candidates are the union of the should clauses, not a scan of every document.
      from = `(${shouldNames.map((n) => `SELECT rid FROM ${n}`).join(' UNION ')}) q0`;
    } else {
      from = `${this.index.docsTable} q0`;
    }
    rest.forEach((name, i) => {
      joins.push(`JOIN ${name} m${i} ON m${i}.rid = q0.rid`);
      scores.push(`m${i}.score`);
    });
    shouldNames.forEach((name, i) => {
      joins.push(`LEFT JOIN ${name} s${i} ON s${i}.rid = q0.rid`);
      scores.push(`COALESCE(s${i}.score, 0)`);
    });
    for (const name of filterNames) where.push(`q0.rid IN (SELECT rid FROM ${name})`);
    for (const name of mustNotNames) where.push(`q0.rid NOT IN (SELECT rid FROM ${name})`);
    if (msm > 0 && (first || should.length > 1)) {
      where.push(`(${shouldNames.map((_, i) => `(s${i}.rid IS NOT NULL)`).join(' + ')}) >= ${msm}`);
    }
    const score = scores.length > 0 ? `(${scores.join(' + ')}) * ${num(boostOf(body))}` : '0.0';
    const withClause = ctes.length > 0 ? `WITH ${ctes.join(', ')} ` : '';
    return {
      sql: `${withClause}SELECT q0.rid AS rid, ${score} AS score FROM ${from} ${joins.join(' ')}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
      params,
    };
  }

  /**
   * The common shape "words, filtered by exact values" (one full-text must, term/terms/exists in filter
   * and must_not, no should) as ONE FTS5 MATCH: bm25 is then computed only for rows that pass the
   * filters, instead of for every text match before a join throws most away.
   */
  private foldIntoOneMatch(must: SqlQuery[], should: SqlQuery[], filter: SqlQuery[], mustNot: SqlQuery[], boost: number): SqlQuery | undefined {
    const text = must[0]?.fts;
    if (must.length !== 1 || should.length > 0 || !text) return undefined;
    if (![...filter, ...mustNot].every((q) => q.kw !== undefined)) return undefined;
    const plan: FtsPlan = {
      ...text,
      required: [...text.required, ...filter.map((q) => q.kw as string)],
      excluded: [...text.excluded, ...mustNot.map((q) => q.kw as string)],
      scale: text.scale * boost,
    };
    return renderFts(this.index.ftsTable, plan);
  }
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Numbers inlined into SQL (boosts, weights) are validated finite numbers, never user strings. */
function num(n: number): string {
  if (!Number.isFinite(n)) throw parsingError('boost must be a finite number');
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function boostOf(spec: unknown): number {
  if (!isObj(spec) || spec.boost === undefined) return 1;
  const b = Number(spec.boost);
  if (!Number.isFinite(b) || b < 0) throw parsingError(`[boost] must be a non-negative number`);
  return b;
}

function operatorOf(op: unknown): Operator {
  if (op === undefined || op === null) return 'or';
  if (typeof op === 'string' && ['or', 'and'].includes(op.toLowerCase())) return op.toLowerCase() as Operator;
  throw parsingError(`operator [${String(op)}] is not allowed`);
}

function queryText(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw parsingError(`[${name}] requires query text`);
}

function singleField(body: unknown, name: string): [string, unknown] {
  if (!isObj(body)) throw parsingError(`[${name}] query malformed, no start_object after query name`);
  const fields = Object.keys(body).filter((k) => k !== '_name' && k !== 'boost');
  if (fields.length !== 1) throw parsingError(`[${name}] query doesn't support multiple fields, found [${fields.join('] and [')}]`);
  const field = fields[0] as string;
  return [field, body[field]];
}

/** `name.keyword` is the exact view of `name`; a literal sub-field called keyword still matches. */
function fieldVariants(field: string): string[] {
  return field.endsWith(KEYWORD_SUFFIX) ? [field, field.slice(0, -KEYWORD_SUFFIX.length)] : [field];
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function minimumShouldMatch(value: unknown, shouldCount: number, hasRequired: boolean): number {
  if (shouldCount === 0) return 0;
  if (value === undefined || value === null) return hasRequired ? 0 : 1;
  const text = String(value).trim();
  let n: number;
  if (text.endsWith('%')) {
    const pct = Number(text.slice(0, -1));
    if (!Number.isFinite(pct)) throw parsingError(`invalid minimum_should_match [${text}]`);
    n = pct >= 0 ? Math.floor((shouldCount * pct) / 100) : shouldCount - Math.floor((shouldCount * -pct) / 100);
  } else {
    const k = Number(text);
    if (!Number.isInteger(k)) throw parsingError(`invalid minimum_should_match [${text}]`);
    n = k >= 0 ? k : shouldCount + k;
  }
  return Math.max(0, n);
}
