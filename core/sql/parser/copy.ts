// COPY: GreptimeDB's export / import of rows as files.
//   COPY [TABLE] <table> TO | FROM '<path>' [WITH (k = v, ...)] [CONNECTION (k = v, ...)]
//   COPY (<query>) TO '<path>' [WITH (...)]
import type { SourcePos, Statement } from '../ast.ts';
import type { Cursor } from './cursor.ts';
import { parseOptions } from './ddl.ts';
import { parseQuery } from './select.ts';

type Base = { span: { start: number; end: number; text: string }; pos: SourcePos };

export function parseCopy(p: Cursor, base: Base): Statement {
  p.expectKw('COPY');
  let table, query;
  if (p.isOp('(')) {
    p.next();
    query = parseQuery(p);
    p.expectOp(')');
  } else {
    p.eatKw('TABLE');
    table = p.objectName('a table name');
  }
  const dir = p.next();
  if (dir.kind !== 'word' || (dir.upper !== 'TO' && dir.upper !== 'FROM')) throw p.error('TO or FROM', dir);
  if (query && dir.upper === 'FROM') throw p.error('TO (a query can only be copied to a file)', dir);
  const path = p.next();
  if (path.kind !== 'string') throw p.error(`a file path in quotes after ${dir.upper}`, path);
  const options = p.eatKw('WITH') ? lowerKeys(parseOptions(p)) : {};
  const connection = p.eatKw('CONNECTION') ? lowerKeys(parseOptions(p)) : {};
  return { type: 'copy', direction: dir.upper, ...(table ? { table } : {}), ...(query ? { query } : {}), path: path.value, options, connection, ...base };
}

function lowerKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
}
