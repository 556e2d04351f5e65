// SQL front end entry points: parseSql (statements separated by ';', each with its source span) and parseExpr.
import type { Expr, SourcePos, Statement } from './ast.ts';
import { tokenize } from './lexer.ts';
import { Cursor, type SubParsers } from './parser/cursor.ts';
import { parseCall } from './parser/call.ts';
import { parseAlter, parseComment, parseCreate, parseDrop, parseTruncate } from './parser/ddl.ts';
import { parseExpr as parseExprAt } from './parser/expr.ts';
import { parseAdmin, parseDeallocate, parseDelete, parseDescribe, parseExecute, parseInsert, parsePrepare, parseSet, parseKill, parseShow, parseUse } from './parser/misc.ts';
import { parseQuery } from './parser/select.ts';
import { parseTql } from './parser/tql.ts';
import { parseCopy } from './parser/copy.ts';

/** The parsers expressions reach back into (subqueries, call tails), given to every cursor: see SubParsers. */
const SUB: SubParsers = { query: parseQuery, call: parseCall };

type Base = { span: { start: number; end: number; text: string }; pos: SourcePos };

/** Parses every statement of `text`; empty statements (`;;`) are skipped. Throws ParseError. */
export function parseSql(text: string): Statement[] {
  const p = new Cursor(text, tokenize(text), SUB);
  const out: Statement[] = [];
  for (;;) {
    while (p.eatOp(';'));
    if (p.peek().kind === 'eof') return out;
    out.push(parseStatementAt(p));
    if (p.peek().kind !== 'eof') {
      if (!p.isOp(';')) throw p.error('end of statement');
    }
  }
}

/** Parses exactly one expression (e.g. a DEFAULT or a WHERE fragment). */
export function parseExpr(text: string): Expr {
  const p = new Cursor(text, tokenize(text), SUB);
  const e = parseExprAt(p);
  if (p.peek().kind !== 'eof') throw p.error('end of expression');
  return e;
}

function parseStatementAt(p: Cursor): Statement {
  const first = p.peek();
  const base: Base = { span: { start: first.offset, end: first.offset, text: '' }, pos: p.pos(first) };
  const stmt = dispatch(p, base);
  const end = p.prev().end;
  stmt.span = { start: first.offset, end, text: p.text.slice(first.offset, end) };
  return stmt;
}

function dispatch(p: Cursor, base: Base): Statement {
  const t = p.peek();
  if (t.kind === 'op' && t.value === '(') return { type: 'query', query: parseQuery(p), ...base };
  if (t.kind !== 'word') throw p.error('a statement');
  switch (t.upper) {
    case 'SELECT':
    case 'WITH':
    case 'VALUES':
      return { type: 'query', query: parseQuery(p), ...base };
    case 'INSERT':
    case 'REPLACE':
      return parseInsert(p, base);
    case 'DELETE':
      return parseDelete(p, base);
    case 'CREATE':
      return parseCreate(p, base);
    case 'DROP':
      return parseDrop(p, base);
    case 'ALTER':
      return parseAlter(p, base);
    case 'TRUNCATE':
      return parseTruncate(p, base);
    case 'COMMENT':
      return parseComment(p, base);
    case 'SHOW':
      return parseShow(p, base);
    case 'DESC':
    case 'DESCRIBE':
      return parseDescribe(p, base);
    case 'USE':
      return parseUse(p, base);
    case 'ADMIN':
      return parseAdmin(p, base);
    case 'SET':
      return parseSet(p, base);
    case 'KILL':
      return parseKill(p, base);
    case 'PREPARE':
      return parsePrepare(p, base);
    case 'EXECUTE':
      return parseExecute(p, base);
    case 'DEALLOCATE':
      return parseDeallocate(p, base);
    case 'TQL':
      return parseTql(p, base);
    case 'COPY':
      return parseCopy(p, base);
    case 'EXPLAIN': {
      p.next();
      const analyze = p.eatKw('ANALYZE');
      const verbose = p.eatKw('VERBOSE');
      const ex: Statement = { type: 'explain', analyze, verbose, statement: undefined as never, ...base };
      if (p.eatKw('FORMAT')) ex.format = p.ident('a format name', true).value.toUpperCase();
      ex.statement = parseStatementAt(p);
      return ex;
    }
    default:
      throw p.error('a statement (SELECT, INSERT, CREATE, DROP, ALTER, SHOW, ...)');
  }
}
