import { randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Sqlite } from '../storage/sqlite.js';
import { EsError, indexAlreadyExists, indexNotFound, versionConflict } from './esErrors.js';
import { flattenDocument, type FlatDocument } from './flatten.js';
import { existsToken, keywordToken } from './keywordTokens.js';

/*
 * Storage layout (one SQLite file, WAL). Per index, three tables:
 *   i<N>_docs  rid → (_id, _source text verbatim, _version, _seq_no)
 *   i<N>_fts   contentless FTS5, ONE ROW PER DOCUMENT, one column per text field ("slots" c0..cK)
 *              plus a `kw` column of exact-value tokens (keywordTokens.ts) for term/terms/exists.
 *              One row per document keeps bulk inserts cheap and lets bm25() weight fields with its
 *              per-column weights (that is how `^boost` works); field → slot lives in es_fields.
 *              When a new field finds no free slot the table is rebuilt twice as wide (rare).
 *   i<N>_num   (field, value, rid) numbers and dates for range; rows are removed by re-flattening the
 *              old _source, so no second index on rid is needed.
 */

export const MAX_FIELDS = 1000; // Elasticsearch's index.mapping.total_fields.limit default
const INITIAL_SLOTS = 32;
const TEXT_TYPES = new Set(['text', 'match_only_text', 'search_as_you_type']);

export interface StoredDoc {
  rid: number;
  id: string;
  source: string;
  version: number;
  seq_no: number;
}

export interface WriteResult {
  result: 'created' | 'updated' | 'deleted' | 'not_found' | 'noop';
  version: number;
  seqNo: number;
}

export type OpType = 'index' | 'create';

export interface WriteConditions {
  opType?: OpType;
  ifSeqNo?: number;
}

interface DocStatements {
  getById: Statement<[string], StoredDoc>;
  insertDoc: Statement<[string, string, number, number]>;
  updateDoc: Statement<[string, number, number, number]>;
  deleteDoc: Statement<[number]>;
  insertFts: Statement<unknown[]>;
  deleteFts: Statement<[number]>;
  insertNum: Statement<[string, number, number]>;
  deleteNum: Statement<[string, number, number]>;
  count: Statement<[], { n: number }>;
}

export class IndexHandle {
  /** text field → FTS column number */
  readonly textFields = new Map<string, number>();
  /** fields mapped explicitly with a non-text type: never full-text indexed */
  readonly nonTextFields = new Set<string>();
  private statements: DocStatements | undefined;

  constructor(
    private readonly db: Sqlite,
    readonly id: number,
    readonly name: string,
    readonly uuid: string,
    readonly created: number,
    public slots: number,
    public mappings: Record<string, unknown>,
    readonly settings: Record<string, unknown>,
    public seqNo: number,
  ) {
    collectMappedTypes(mappings, '', this.nonTextFields);
  }

  get docsTable(): string {
    return `i${this.id}_docs`;
  }
  get ftsTable(): string {
    return `i${this.id}_fts`;
  }
  get numTable(): string {
    return `i${this.id}_num`;
  }

  get stmts(): DocStatements {
    if (this.statements) return this.statements;
    const { db } = this;
    const columns = Array.from({ length: this.slots }, (_, i) => `c${i}`);
    this.statements = {
      getById: db.prepare(`SELECT rid, id, source, version, seq_no FROM ${this.docsTable} WHERE id = ?`),
      insertDoc: db.prepare(`INSERT INTO ${this.docsTable}(id, source, version, seq_no) VALUES (?, ?, ?, ?)`),
      updateDoc: db.prepare(`UPDATE ${this.docsTable} SET source = ?, version = ?, seq_no = ? WHERE rid = ?`),
      deleteDoc: db.prepare(`DELETE FROM ${this.docsTable} WHERE rid = ?`),
      insertFts: db.prepare(
        `INSERT INTO ${this.ftsTable}(rowid, ${columns.join(', ')}, kw) VALUES (?${', ?'.repeat(this.slots + 1)})`,
      ),
      deleteFts: db.prepare(`DELETE FROM ${this.ftsTable} WHERE rowid = ?`),
      insertNum: db.prepare(`INSERT OR IGNORE INTO ${this.numTable}(field, value, rid) VALUES (?, ?, ?)`),
      deleteNum: db.prepare(`DELETE FROM ${this.numTable} WHERE field = ? AND value = ? AND rid = ?`),
      count: db.prepare(`SELECT count(*) AS n FROM ${this.docsTable}`),
    };
    return this.statements;
  }

  /** Drops cached statements after the FTS table changed shape. */
  resetStatements(): void {
    this.statements = undefined;
  }

  docCount(): number {
    return this.stmts.count.get()?.n ?? 0;
  }
}

function collectMappedTypes(mapping: unknown, prefix: string, nonText: Set<string>): void {
  const properties = (mapping as { properties?: unknown } | null)?.properties;
  if (!properties || typeof properties !== 'object') return;
  for (const [name, spec] of Object.entries(properties as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${name}` : name;
    const type = (spec as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && type !== 'object' && type !== 'nested' && !TEXT_TYPES.has(type)) nonText.add(path);
    collectMappedTypes(spec, path, nonText);
  }
}

interface IndexRow {
  id: number;
  name: string;
  uuid: string;
  slots: number;
  mappings: string;
  settings: string;
  created: number;
  seq_no: number;
}

export class IndexStore {
  private readonly indices = new Map<string, IndexHandle>();
  private readonly dirty = new Set<IndexHandle>();

  constructor(private readonly db: Sqlite) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS es_indices(
        id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, uuid TEXT NOT NULL,
        slots INTEGER NOT NULL, mappings TEXT NOT NULL, settings TEXT NOT NULL,
        created INTEGER NOT NULL, seq_no INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS es_fields(
        index_id INTEGER NOT NULL, field TEXT NOT NULL, slot INTEGER NOT NULL,
        PRIMARY KEY(index_id, field)) WITHOUT ROWID;
    `);
    this.load();
  }

  /** (Re)reads the catalog from the database. */
  private load(): void {
    const { db } = this;
    this.indices.clear();
    const fields = db.prepare<[number], { field: string; slot: number }>('SELECT field, slot FROM es_fields WHERE index_id = ?');
    for (const row of db.prepare<[], IndexRow>('SELECT * FROM es_indices').all()) {
      const handle = new IndexHandle(db, row.id, row.name, row.uuid, row.created, row.slots,
        JSON.parse(row.mappings) as Record<string, unknown>, JSON.parse(row.settings) as Record<string, unknown>, row.seq_no);
      for (const f of fields.all(row.id)) handle.textFields.set(f.field, f.slot);
      this.indices.set(row.name, handle);
    }
  }

  names(): string[] {
    return [...this.indices.keys()].sort();
  }

  get(name: string): IndexHandle | undefined {
    return this.indices.get(name);
  }

  require(name: string): IndexHandle {
    const handle = this.indices.get(name);
    if (!handle) throw indexNotFound(name);
    return handle;
  }

  /** Runs writes in one transaction and persists the sequence counters touched once, at the end. */
  write<T>(fn: () => T): T {
    try {
      return this.db.transaction(() => {
        const result = fn();
        const save = this.db.prepare('UPDATE es_indices SET seq_no = ? WHERE id = ?');
        for (const handle of this.dirty) save.run(handle.seqNo, handle.id);
        this.dirty.clear();
        return result;
      })();
    } catch (err) {
      // The rollback undid rows the in-memory catalog already reflects (new indices, slots, counters).
      this.dirty.clear();
      this.load();
      throw err;
    }
  }

  create(name: string, mappings: Record<string, unknown> = {}, settings: Record<string, unknown> = {}): IndexHandle {
    const existing = this.indices.get(name);
    if (existing) throw indexAlreadyExists(name, existing.uuid);
    const uuid = randomBytes(16).toString('base64url').slice(0, 22);
    const created = Date.now();
    const handle = this.db.transaction(() => {
      const info = this.db
        .prepare('INSERT INTO es_indices(name, uuid, slots, mappings, settings, created, seq_no) VALUES (?, ?, ?, ?, ?, ?, -1)')
        .run(name, uuid, INITIAL_SLOTS, JSON.stringify(mappings), JSON.stringify(settings), created);
      const h = new IndexHandle(this.db, Number(info.lastInsertRowid), name, uuid, created, INITIAL_SLOTS, mappings, settings, -1);
      this.db.exec(`
        CREATE TABLE ${h.docsTable}(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, source TEXT NOT NULL,
          version INTEGER NOT NULL, seq_no INTEGER NOT NULL);
        CREATE TABLE ${h.numTable}(field TEXT NOT NULL, value REAL NOT NULL, rid INTEGER NOT NULL,
          PRIMARY KEY(field, value, rid)) WITHOUT ROWID;
      `);
      this.createFts(h);
      return h;
    })();
    this.indices.set(name, handle);
    return handle;
  }

  delete(name: string): void {
    const handle = this.require(name);
    this.db.transaction(() => {
      this.db.exec(`DROP TABLE ${handle.docsTable}; DROP TABLE ${handle.ftsTable}; DROP TABLE ${handle.numTable};`);
      this.db.prepare('DELETE FROM es_fields WHERE index_id = ?').run(handle.id);
      this.db.prepare('DELETE FROM es_indices WHERE id = ?').run(handle.id);
    })();
    this.indices.delete(name);
  }

  /** Merges new mappings (PUT _mapping); only affects fields not yet seen. */
  putMappings(handle: IndexHandle, mappings: Record<string, unknown>): void {
    const props = { ...((handle.mappings.properties as Record<string, unknown> | undefined) ?? {}), ...((mappings.properties as Record<string, unknown> | undefined) ?? {}) };
    handle.mappings = { ...handle.mappings, ...mappings, properties: props };
    collectMappedTypes(handle.mappings, '', handle.nonTextFields);
    this.db.prepare('UPDATE es_indices SET mappings = ? WHERE id = ?').run(JSON.stringify(handle.mappings), handle.id);
  }

  getDoc(handle: IndexHandle, id: string): StoredDoc | undefined {
    return handle.stmts.getById.get(id);
  }

  /** Index or create one document. Call inside write(). */
  putDoc(handle: IndexHandle, id: string, sourceText: string, source: Record<string, unknown>, cond: WriteConditions = {}): WriteResult {
    const existing = handle.stmts.getById.get(id);
    if (existing && cond.opType === 'create') {
      throw versionConflict(handle.name, id, `document already exists (current version [${existing.version}])`);
    }
    checkSeqNo(handle, id, existing, cond.ifSeqNo);
    const flat = flattenDocument(source);
    this.ensureSlots(handle, flat);
    const seqNo = this.nextSeqNo(handle);
    const { stmts } = handle;
    let rid: number;
    let version: number;
    if (existing) {
      this.unindex(handle, existing);
      rid = existing.rid;
      version = existing.version + 1;
      stmts.updateDoc.run(sourceText, version, seqNo, rid);
    } else {
      version = 1;
      rid = Number(stmts.insertDoc.run(id, sourceText, version, seqNo).lastInsertRowid);
    }
    this.index(handle, rid, flat);
    return { result: existing ? 'updated' : 'created', version, seqNo };
  }

  /** Deletes one document; not_found when absent. Call inside write(). */
  deleteDoc(handle: IndexHandle, id: string, ifSeqNo?: number): WriteResult {
    const existing = handle.stmts.getById.get(id);
    checkSeqNo(handle, id, existing, ifSeqNo);
    const seqNo = this.nextSeqNo(handle);
    if (!existing) return { result: 'not_found', version: 1, seqNo };
    this.unindex(handle, existing);
    handle.stmts.deleteDoc.run(existing.rid);
    return { result: 'deleted', version: existing.version + 1, seqNo };
  }

  private nextSeqNo(handle: IndexHandle): number {
    handle.seqNo += 1;
    this.dirty.add(handle);
    return handle.seqNo;
  }

  private index(handle: IndexHandle, rid: number, flat: FlatDocument): void {
    handle.stmts.insertFts.run(...ftsRow(handle, rid, flat));
    for (const [field, value] of flat.numbers) handle.stmts.insertNum.run(field, value, rid);
  }

  private unindex(handle: IndexHandle, doc: StoredDoc): void {
    const { stmts } = handle;
    stmts.deleteFts.run(doc.rid); // contentless_delete: FTS5 forgets the row without its old text
    const old = flattenDocument(JSON.parse(doc.source) as Record<string, unknown>);
    for (const [field, value] of old.numbers) stmts.deleteNum.run(field, value, doc.rid);
  }

  /** Gives every new text field an FTS column, widening the table when all are taken. */
  private ensureSlots(handle: IndexHandle, flat: FlatDocument): void {
    const fresh: string[] = [];
    for (const field of flat.text.keys()) {
      if (!handle.textFields.has(field) && !handle.nonTextFields.has(field)) fresh.push(field);
    }
    if (fresh.length === 0) return;
    const needed = handle.textFields.size + fresh.length;
    if (needed > MAX_FIELDS) {
      throw new EsError(400, 'illegal_argument_exception', `Limit of total fields [${MAX_FIELDS}] has been exceeded`);
    }
    const save = this.db.prepare('INSERT INTO es_fields(index_id, field, slot) VALUES (?, ?, ?)');
    for (const field of fresh) {
      const slot = handle.textFields.size;
      handle.textFields.set(field, slot);
      save.run(handle.id, field, slot);
    }
    if (needed > handle.slots) this.widen(handle, Math.min(Math.max(handle.slots * 2, needed), MAX_FIELDS));
  }

  /** Rebuilds the FTS table with more columns, re-indexing every document's text. */
  private widen(handle: IndexHandle, slots: number): void {
    this.db.exec(`DROP TABLE ${handle.ftsTable}`);
    handle.slots = slots;
    handle.resetStatements();
    this.createFts(handle);
    this.db.prepare('UPDATE es_indices SET slots = ? WHERE id = ?').run(slots, handle.id);
    const all = this.db.prepare<[], { rid: number; source: string }>(`SELECT rid, source FROM ${handle.docsTable}`);
    for (const doc of all.all()) {
      handle.stmts.insertFts.run(...ftsRow(handle, doc.rid, flattenDocument(JSON.parse(doc.source) as Record<string, unknown>)));
    }
  }

  private createFts(handle: IndexHandle): void {
    const columns = Array.from({ length: handle.slots }, (_, i) => `c${i}`).join(', ');
    // remove_diacritics 2: "cafe" finds "café", the friendlier choice for a destinations search.
    this.db.exec(
      `CREATE VIRTUAL TABLE ${handle.ftsTable} USING fts5(${columns}, kw, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
    );
  }
}

/** rowid, one value per text slot, then the kw column's exact-value tokens. */
function ftsRow(handle: IndexHandle, rid: number, flat: FlatDocument): Array<string | number | null> {
  const values: Array<string | number | null> = new Array<string | number | null>(handle.slots + 2).fill(null);
  values[0] = rid;
  for (const [field, pieces] of flat.text) {
    const slot = handle.textFields.get(field);
    if (slot !== undefined) values[slot + 1] = pieces.join('\n');
  }
  const tokens: string[] = [];
  for (const field of flat.present) tokens.push(existsToken(field));
  for (const [field, value] of flat.keywords) tokens.push(keywordToken(field, value));
  values[handle.slots + 1] = tokens.join(' ');
  return values;
}

function checkSeqNo(handle: IndexHandle, id: string, existing: StoredDoc | undefined, ifSeqNo: number | undefined): void {
  if (ifSeqNo === undefined) return;
  if (!existing) {
    throw versionConflict(handle.name, id, `required seqNo [${ifSeqNo}], primary term [1] but no document was found`);
  }
  if (existing.seq_no !== ifSeqNo) {
    throw versionConflict(handle.name, id,
      `required seqNo [${ifSeqNo}], primary term [1]. current document has seqNo [${existing.seq_no}] and primary term [1]`);
  }
}
