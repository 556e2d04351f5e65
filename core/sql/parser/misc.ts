// DML and utility statements: INSERT, DELETE, SHOW, DESCRIBE, USE, ADMIN, SET (TQL is in tql.ts).
import type { Expr, Query, ShowKind, SourcePos, Statement } from '../ast.ts';
import type { Cursor } from './cursor.ts';
import { ddlName } from './ddl.ts';
import { parseExpr } from './expr.ts';
import { parseQuery, parseValues } from './select.ts';
import { parseDataType } from './types.ts';

type Base = { span: { start: number; end: number; text: string }; pos: SourcePos };

export function parseInsert(p: Cursor, base: Base): Statement {
  const replace = p.next().upper === 'REPLACE';
  p.expectKw('INTO');
  p.eatKw('TABLE');
  const table = p.objectName('a table name');
  let columns: import('../ast.ts').Ident[] = [];
  if (p.isOp('(') && !p.isKw('SELECT', 1) && !p.isKw('WITH', 1)) columns = p.parenList(() => p.ident('a column name'), true);
  let source: Query;
  if (p.isKw('VALUES')) {
    const pos = p.pos();
    source = { type: 'query', body: parseValues(p), orderBy: [], pos };
  } else if (p.isKw('SELECT') || p.isKw('WITH') || p.isOp('(')) {
    source = parseQuery(p);
  } else throw p.error('VALUES or SELECT');
  return { type: 'insert', replace, table, columns, source, ...base };
}

export function parseDelete(p: Cursor, base: Base): Statement {
  p.expectKw('DELETE');
  p.expectKw('FROM');
  const table = p.objectName('a table name');
  const d: Statement = { type: 'delete', table, ...base };
  if (p.eatKw('WHERE')) d.where = parseExpr(p);
  return d;
}

export function parseDescribe(p: Cursor, base: Base): Statement {
  p.next();
  p.eatKw('TABLE');
  return { type: 'describe', table: p.objectName('a table name'), ...base };
}

export function parseUse(p: Cursor, base: Base): Statement {
  p.expectKw('USE');
  const t = p.peek();
  if (t.kind === 'string') {
    p.next();
    return { type: 'use', database: { value: t.value, quote: "'", pos: p.pos(t) }, ...base };
  }
  return { type: 'use', database: p.ident('a database name', true), ...base };
}

export function parseAdmin(p: Cursor, base: Base): Statement {
  p.expectKw('ADMIN');
  const e = parseExpr(p);
  if (e.type !== 'function') throw p.errorAt('Expected a function call after ADMIN', e.pos);
  return { type: 'admin', call: e, ...base };
}

export function parseSet(p: Cursor, base: Base): Statement {
  p.expectKw('SET');
  p.eatKw('SESSION') || p.eatKw('LOCAL') || p.eatKw('GLOBAL');
  const name = p.objectName('a variable name');
  if (!p.eatOp('=')) p.expectKw('TO');
  const value = p.commaList(() => parseExpr(p));
  return { type: 'set', name, value, ...base };
}

export function parseKill(p: Cursor, base: Base): Statement {
  p.expectKw('KILL');
  p.eatKw('QUERY') || p.eatKw('CONNECTION');
  const t = p.next();
  if (t.kind !== 'string' && t.kind !== 'number') throw p.error('a process id after KILL', t);
  return { type: 'kill', id: t.value, ...base };
}

export function parsePrepare(p: Cursor, base: Base): Statement {
  p.expectKw('PREPARE');
  const name = p.ident('a prepared statement name').value;
  if (p.eatKw('FROM')) {
    const t = p.next();
    if (t.kind !== 'string') throw p.error("the statement to prepare, as a string ('SELECT ...')", t);
    return { type: 'prepare', name, sql: t.value, ...base };
  }
  // PostgreSQL: PREPARE name [(type, ...)] AS statement, the statement written inline up to the next ';'
  const types = p.isOp('(') ? p.parenList(() => parseDataType(p)) : undefined;
  if (!p.isKw('AS')) throw p.error(types ? 'AS and the statement to prepare' : 'FROM \'statement\' or [(types)] AS statement');
  p.next();
  const first = p.peek();
  if (first.kind === 'eof' || (first.kind === 'op' && first.value === ';')) throw p.error('the statement to prepare after AS');
  while (p.peek().kind !== 'eof' && !p.isOp(';')) p.next();
  const sql = p.text.slice(first.offset, p.prev().end);
  return types ? { type: 'prepare', name, sql, types, ...base } : { type: 'prepare', name, sql, ...base };
}

export function parseExecute(p: Cursor, base: Base): Statement {
  p.expectKw('EXECUTE');
  const name = p.ident('a prepared statement name').value;
  let args: Expr[] = [];
  if (p.eatKw('USING')) args = p.commaList(() => parseExpr(p));
  else if (p.eatOp('(')) { args = p.commaList(() => parseExpr(p)); p.expectOp(')'); }
  return { type: 'execute', name, args, ...base };
}

export function parseDeallocate(p: Cursor, base: Base): Statement {
  p.expectKw('DEALLOCATE');
  p.eatKw('PREPARE');
  return { type: 'deallocate', name: p.ident('a prepared statement name').value, ...base };
}

const SIMPLE_SHOW: Record<string, ShowKind> = {
  DATABASES: 'DATABASES', SCHEMAS: 'DATABASES', TABLES: 'TABLES', FLOWS: 'FLOWS', VIEWS: 'VIEWS',
  VARIABLES: 'VARIABLES', STATUS: 'STATUS', PROCESSLIST: 'PROCESSLIST', CHARSET: 'CHARSET', COLLATION: 'COLLATION',
  TRIGGERS: 'TRIGGERS',
};

export function parseShow(p: Cursor, base: Base): Statement {
  p.expectKw('SHOW');
  const full = p.eatKw('FULL');
  const s: Statement = { type: 'show', kind: 'TABLES', full, ...base };
  const t = p.peek();
  if (p.eatKw('CREATE')) {
    const what = p.next();
    const kinds: Record<string, ShowKind> = { TABLE: 'CREATE TABLE', FLOW: 'CREATE FLOW', VIEW: 'CREATE VIEW', DATABASE: 'CREATE DATABASE', SCHEMA: 'CREATE DATABASE' };
    const kind = what.kind === 'word' ? kinds[what.upper] : undefined;
    if (!kind) throw p.error('TABLE, FLOW, VIEW or DATABASE after SHOW CREATE', what);
    s.kind = kind;
    s.target = ddlName(p, 'a name');
    if (p.eatKw('FOR')) s.variant = p.ident('a variant', true).value.toUpperCase();
    return s;
  }
  if (p.eatKw('CHARACTER', 'SET')) s.kind = 'CHARSET';
  else if (p.eatKw('TABLE', 'STATUS')) s.kind = 'TABLE STATUS';
  else if (p.eatKw('FLOW', 'STATUS')) s.kind = 'FLOW STATUS';
  else if (p.eatKw('COLUMNS') || p.eatKw('FIELDS')) {
    s.kind = 'COLUMNS';
    // the table is required, as in GreptimeDB (MySQL's syntax)
    if (!p.eatKw('FROM') && !p.eatKw('IN')) throw p.error("'{FROM | IN} table'");
    s.target = p.objectName('a table name');
  } else if (p.eatKw('INDEX') || p.eatKw('INDEXES') || p.eatKw('KEYS') || p.eatKw('REGION')) {
    s.kind = p.prev().upper === 'REGION' ? 'REGION' : 'INDEX';
    if (!p.eatKw('FROM') && !p.eatKw('IN')) throw p.error("'{FROM | IN} table'");
    s.target = p.objectName('a table name');
  } else if (t.kind === 'word' && SIMPLE_SHOW[t.upper]) {
    p.next();
    s.kind = SIMPLE_SHOW[t.upper]!;
    if (s.kind === 'VARIABLES' && p.isIdent()) {
      s.target = p.objectName('a variable name');
      return s;
    }
  } else throw p.error('DATABASES, TABLES, CREATE, COLUMNS, INDEX, FLOWS or VIEWS after SHOW');
  if (p.eatKw('FROM') || p.eatKw('IN')) s.database = p.objectName('a database name');
  if (p.eatKw('LIKE')) s.like = p.string('a LIKE pattern');
  else if (p.eatKw('WHERE')) s.where = parseExpr(p);
  return s;
}
