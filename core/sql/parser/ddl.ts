// DDL parser: CREATE DATABASE/TABLE/FLOW/TASK/VIEW, DROP, ALTER TABLE/DATABASE, TRUNCATE, COMMENT ON.
import type {
  AlterTableAction, ColumnDef, CreateTable, Ident, ObjectName, SqlOptions, PartitionSpec, SourcePos, Statement,
} from '../ast.ts';
import type { Cursor } from './cursor.ts';
import { parseExpr, parseRangeDuration } from './expr.ts';
import { parseQuery } from './select.ts';
import { parseDataType } from './types.ts';
import { parseTqlSource } from './tql.ts';

type Base = { span: { start: number; end: number; text: string }; pos: SourcePos };

/** A name that may also be written as a string literal ('my-db'), as GreptimeDB allows for DDL. */
export function ddlName(p: Cursor, what: string): ObjectName {
  const t = p.peek();
  if (t.kind === 'string') {
    p.next();
    return [{ value: t.value, quote: "'", pos: p.pos(t) }];
  }
  return p.objectName(what);
}

function ifNotExists(p: Cursor): boolean {
  return p.eatKw('IF', 'NOT', 'EXISTS');
}

/** One option key: a word, a dotted word path, a quoted identifier or a string. */
function optionKey(p: Cursor): string {
  const t = p.peek();
  if (t.kind === 'string' || t.kind === 'qident') {
    p.next();
    return t.value;
  }
  return p.objectName('an option name').map((i) => i.value).join('.');
}

/** An option value: strings and quoted identifiers give their content, anything else its source text. */
function optionValue(p: Cursor): string {
  const t = p.peek();
  const n = p.peek(1);
  if ((t.kind === 'string' || t.kind === 'qident') && (n.kind === 'eof' || (n.kind === 'op' && (n.value === ',' || n.value === ')' || n.value === ';')))) {
    p.next();
    return t.value;
  }
  const start = t.offset;
  parseExpr(p);
  return p.text.slice(start, p.prev().end);
}

/** ( key = value, ... ) with an optional trailing comma. */
export function parseOptions(p: Cursor): SqlOptions {
  const out: SqlOptions = {};
  p.parenList(() => {
    const k = optionKey(p);
    p.expectOp('=');
    out[k] = optionValue(p);
  }, true);
  return out;
}

export function parseCreate(p: Cursor, base: Base): Statement {
  p.expectKw('CREATE');
  const orReplace = p.eatKw('OR', 'REPLACE');
  if (p.eatKw('DATABASE') || p.eatKw('SCHEMA')) {
    const ine = ifNotExists(p);
    const name = ddlName(p, 'a database name');
    const options = p.eatKw('WITH') ? parseOptions(p) : {};
    return { type: 'create_database', name, ifNotExists: ine, options, ...base };
  }
  const external = p.eatKw('EXTERNAL');
  if (p.eatKw('TABLE')) return parseCreateTable(p, base, external);
  if (p.eatKw('FLOW')) {
    const ine = ifNotExists(p);
    const name = p.objectName('a flow name');
    p.expectKw('SINK', 'TO');
    const sink = p.objectName('a sink table name');
    const flow: Statement = { type: 'create_flow', name, orReplace, ifNotExists: ine, sink, query: undefined as never, ...base };
    for (;;) {
      if (p.eatKw('EXPIRE', 'AFTER')) flow.expireAfter = parseRangeDuration(p);
      else if (p.eatKw('EVAL', 'INTERVAL')) flow.evalInterval = parseRangeDuration(p);
      else if (p.eatKw('COMMENT')) flow.comment = p.string('a comment string');
      else if (p.eatKw('WITH')) flow.options = parseOptions(p);
      else break;
    }
    p.expectKw('AS');
    flow.query = p.isKw('TQL') ? parseTqlSource(p) : parseQuery(p);
    return flow;
  }
  if (p.eatKw('TASK')) {
    const name = p.objectName('a task name');
    p.expectKw('WINDOW_SIZE');
    p.expectOp('=');
    p.bareDurations = true;
    try {
      const d = p.bareDuration();
      const t = d ? null : p.next();
      if (t && t.kind !== 'string' && t.kind !== 'qident') throw p.error('a window size such as "5m"', t);
      p.expectKw('AS');
      return { type: 'create_task', name, windowSize: d ? d.text : t!.value, query: parseQuery(p), ...base };
    } finally {
      p.bareDurations = false;
    }
  }
  if (p.eatKw('VIEW')) {
    const ine = ifNotExists(p);
    const name = p.objectName('a view name');
    const columns = p.isOp('(') ? p.parenList(() => p.ident('a column name')) : [];
    p.expectKw('AS');
    return { type: 'create_view', name, orReplace, ifNotExists: ine, columns, query: parseQuery(p), ...base };
  }
  throw p.error('DATABASE, TABLE, FLOW, TASK or VIEW after CREATE');
}

function parseCreateTable(p: Cursor, base: Base, external: boolean): CreateTable {
  const ine = ifNotExists(p);
  const name = ddlName(p, 'a table name');
  const ct: CreateTable = { type: 'create_table', name, ifNotExists: ine, external, columns: [], primaryKey: [], options: {}, ...base };
  if (p.eatKw('LIKE')) {
    ct.like = p.objectName('a table name');
    return ct;
  }
  if (p.isOp('(')) {
    p.next();
    while (!p.isOp(')')) {
      if (p.isKws('TIME', 'INDEX') && p.isOp('(', 2)) {
        const at = p.pos();
        p.i += 2;
        const cols = p.parenList(() => p.ident('a column name'));
        if (cols.length !== 1) throw p.errorAt('Invalid time index: it should contain only one column in time index', at);
        if (ct.timeIndex) throw p.errorAt('Invalid time index: expected only one time index constraint but actual 2', at);
        ct.timeIndex = cols[0];
      } else if (p.isKws('PRIMARY', 'KEY')) {
        p.i += 2;
        ct.primaryKey = p.parenList(() => p.ident('a column name'), true);
      } else if (p.isKws('SPATIAL', 'INDEX') && p.isOp('(', 2)) {
        // EddyDB's own: SPATIAL INDEX (latitude, longitude) [WITH (node_size = '16')]
        const pos = p.pos();
        p.i += 2;
        const cols = p.parenList(() => p.ident('a column name'));
        if (cols.length !== 2) throw p.errorAt(`SPATIAL INDEX takes two columns (latitude, longitude), got ${cols.length}`, pos);
        const options = p.eatKw('WITH') ? parseOptions(p) : {};
        (ct.spatialIndexes ??= []).push({ lat: cols[0]!, lng: cols[1]!, options, pos });
      } else {
        ct.columns.push(parseColumnDef(p));
      }
      if (!p.eatOp(',')) break;
    }
    p.expectOp(')');
  }
  for (;;) {
    if (p.eatKw('ENGINE')) {
      p.eatOp('=');
      ct.engine = p.ident('an engine name').value;
    } else if (p.eatKw('PARTITION', 'ON', 'COLUMNS')) ct.partitions = parsePartitions(p);
    else if (p.eatKw('WITH')) ct.options = parseOptions(p);
    else if (p.eatKw('AS')) ct.query = parseQuery(p);
    else break;
  }
  for (const c of ct.columns) {
    if (c.timeIndex && ct.timeIndex && ct.timeIndex.value !== c.name.value) throw p.errorAt('Invalid time index: expected only one time index constraint but actual 2', c.pos);
    if (c.timeIndex && !ct.timeIndex) ct.timeIndex = c.name;
    if (c.primaryKey) ct.primaryKey.push(c.name);
  }
  return ct;
}

function parsePartitions(p: Cursor): PartitionSpec {
  const columns = p.parenList(() => p.ident('a column name'), true);
  const rules = p.isOp('(') ? p.parenList(() => parseExpr(p), true) : [];
  return { columns, rules };
}

const INDEX_KINDS = ['INVERTED', 'SKIPPING', 'FULLTEXT'] as const;

/** INVERTED INDEX, SKIPPING INDEX, FULLTEXT INDEX; FULLTEXT alone too, as GreptimeDB 0.9-0.11 wrote it. */
function indexKind(p: Cursor): (typeof INDEX_KINDS)[number] {
  const kind = p.next().upper as (typeof INDEX_KINDS)[number];
  if (!(kind === 'FULLTEXT' && !p.isKw('INDEX'))) p.expectKw('INDEX');
  return kind;
}

export function parseColumnDef(p: Cursor): ColumnDef {
  const pos = p.pos();
  const name = p.ident('a column name');
  const col: ColumnDef = { name, dataType: parseDataType(p), pos };
  for (;;) {
    if (p.eatKw('NOT', 'NULL')) col.nullable = false;
    else if (p.eatKw('NULL')) col.nullable = true;
    else if (p.eatKw('DEFAULT')) col.default = parseExpr(p);
    else if (p.eatKw('TIME', 'INDEX')) col.timeIndex = true;
    else if (p.eatKw('PRIMARY', 'KEY')) col.primaryKey = true;
    else if (p.eatKw('COMMENT')) col.comment = p.string('a comment string');
    else if (p.eatKw('COMPRESSION')) {
      p.expectKw('WITH');
      col.compression = parseOptions(p);
    } else if (INDEX_KINDS.some((k) => p.isKw(k))) {
      const at = p.pos();
      const kind = indexKind(p);
      if (col.indexes?.some((x) => x.kind === kind)) throw p.errorAt(`Invalid column option, column name: ${name.value}, error: ${kind} INDEX is given twice`, at);
      const options = p.eatKw('WITH') ? parseOptions(p) : {};
      (col.indexes ??= []).push({ kind, options });
    } else break;
  }
  return col;
}

export function parseDrop(p: Cursor, base: Base): Statement {
  p.expectKw('DROP');
  const t = p.peek();
  const object = t.kind === 'word' && (['TABLE', 'DATABASE', 'SCHEMA', 'FLOW', 'VIEW'] as const).find((k) => k === t.upper);
  if (!object) throw p.error('TABLE, DATABASE, FLOW or VIEW after DROP');
  p.next();
  const ifExists = p.eatKw('IF', 'EXISTS');
  const names = p.commaList(() => ddlName(p, 'a name'));
  return { type: 'drop', object: object === 'SCHEMA' ? 'DATABASE' : object, ifExists, names, ...base };
}

export function parseTruncate(p: Cursor, base: Base): Statement {
  p.expectKw('TRUNCATE');
  p.eatKw('TABLE');
  const t: Statement = { type: 'truncate', table: ddlName(p, 'a table name'), ...base };
  if (p.eatKw('FILE', 'RANGE')) {
    t.fileRanges = p.commaList(() => {
      const [a, b, ...rest] = p.parenList(() => parseExpr(p));
      if (!a || !b || rest.length > 0) throw p.error('a (start, end) pair', p.prev());
      return [a, b] as [typeof a, typeof b];
    });
  }
  return t;
}

export function parseAlter(p: Cursor, base: Base): Statement {
  p.expectKw('ALTER');
  if (p.eatKw('DATABASE') || p.eatKw('SCHEMA')) {
    const name = ddlName(p, 'a database name');
    const set: SqlOptions = {};
    const unset: string[] = [];
    p.commaList(() => {
      if (p.eatKw('SET')) p.commaList(() => setOption(p, set));
      else if (p.eatKw('UNSET')) p.commaList(() => unset.push(optionKey(p)));
      else throw p.error('SET or UNSET');
    });
    return { type: 'alter_database', name, set, unset, ...base };
  }
  p.expectKw('TABLE');
  const table = ddlName(p, 'a table name');
  const actions = p.commaList(() => parseAlterAction(p));
  return { type: 'alter_table', table, actions, ...base };
}

function setOption(p: Cursor, into: SqlOptions): void {
  const k = optionKey(p);
  p.expectOp('=');
  into[k] = optionValue(p);
}

function parseAlterAction(p: Cursor): AlterTableAction {
  if (p.eatKw('ADD')) {
    p.eatKw('COLUMN');
    const ine = ifNotExists(p);
    const column = parseColumnDef(p);
    const a: AlterTableAction = { kind: 'add_column', column, ifNotExists: ine };
    if (p.eatKw('FIRST')) a.location = { first: true };
    else if (p.eatKw('AFTER')) a.location = { after: p.ident('a column name') };
    return a;
  }
  if (p.eatKw('DROP')) {
    p.eatKw('COLUMN');
    return { kind: 'drop_column', name: p.ident('a column name') };
  }
  if (p.eatKw('RENAME')) {
    p.eatKw('TO');
    const t = p.peek();
    if (t.kind === 'string') {
      p.next();
      return { kind: 'rename', newName: { value: t.value, quote: "'", pos: p.pos(t) } };
    }
    return { kind: 'rename', newName: p.ident('a new table name') };
  }
  // MODIFY [COLUMN] c ..., and the PostgreSQL spelling ALTER [COLUMN] c TYPE t / SET DATA TYPE t / SET DEFAULT ...
  const alter = p.isKw('ALTER');
  if (p.eatKw('MODIFY') || p.eatKw('ALTER')) {
    p.eatKw('COLUMN');
    const name: Ident = p.ident('a column name');
    if (alter && (p.eatKw('TYPE') || p.eatKw('SET', 'DATA', 'TYPE'))) return { kind: 'modify_type', name, dataType: parseDataType(p) };
    if (p.eatKw('SET', 'DEFAULT')) return { kind: 'set_default', name, default: parseExpr(p) };
    if (p.eatKw('DROP', 'DEFAULT')) return { kind: 'drop_default', name };
    for (const verb of ['SET', 'UNSET'] as const) {
      if (!p.eatKw(verb)) continue;
      const k = p.peek();
      const index = k.kind === 'word' ? INDEX_KINDS.find((x) => x === k.upper) : undefined;
      if (!index) throw p.error('INVERTED, SKIPPING or FULLTEXT');
      indexKind(p);
      if (verb === 'UNSET') return { kind: 'unset_index', name, index };
      return { kind: 'set_index', name, index, options: p.eatKw('WITH') ? parseOptions(p) : {} };
    }
    return { kind: 'modify_type', name, dataType: parseDataType(p) };
  }
  if (p.eatKw('SET')) {
    const options: SqlOptions = {};
    p.commaList(() => setOption(p, options));
    return { kind: 'set_options', options };
  }
  if (p.eatKw('UNSET')) return { kind: 'unset_options', keys: p.commaList(() => optionKey(p)) };
  if (p.eatKw('REPARTITION') || p.eatKw('SPLIT', 'PARTITION')) {
    const from = p.parenList(() => parseExpr(p));
    p.expectKw('INTO');
    return { kind: 'repartition', from, into: p.parenList(() => parseExpr(p)) };
  }
  if (p.eatKw('MERGE', 'PARTITION')) return { kind: 'merge_partition', rules: p.parenList(() => parseExpr(p)) };
  throw p.error('ADD, DROP, RENAME, MODIFY, ALTER, SET or UNSET');
}

/** COMMENT ON TABLE [db.]t | COLUMN [db.]t.c | FLOW [db.]f IS 'text' | NULL. */
export function parseComment(p: Cursor, base: Base): Statement {
  p.expectKw('COMMENT', 'ON');
  const t = p.peek();
  const object = t.kind === 'word' && (['TABLE', 'COLUMN', 'FLOW'] as const).find((k) => k === t.upper);
  if (!object) throw p.error('TABLE, COLUMN or FLOW after COMMENT ON');
  p.next();
  let name = ddlName(p, object === 'COLUMN' ? 'a column name (table.column)' : `a ${object.toLowerCase()} name`);
  let column: Ident | undefined;
  if (object === 'COLUMN') {
    if (name.length < 2) throw p.errorAt('COMMENT ON COLUMN needs the column with its table: table.column', name[0]!.pos);
    column = name[name.length - 1]!;
    name = name.slice(0, -1);
  }
  p.expectKw('IS');
  const comment = p.eatKw('NULL') ? null : p.string("a comment string or NULL");
  return { type: 'comment_on', object, name, ...(column ? { column } : {}), comment, ...base };
}
