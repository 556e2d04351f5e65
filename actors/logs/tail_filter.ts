// The `where` of a live tail: a SQL predicate (`status >= 500 AND path LIKE '/api%'`) evaluated over each committed
// batch by the one expression evaluator, or a bare term matched as a whole word in any text column.
import {
  evaluate, formatTimestamp, fromValues, parseExpr, type Expr, type QueryContext, type TableSchema, type WriteBatch,
} from '../../core/index.ts';
import { stringValues } from '../../core/batch.ts';

export type TailFilter = (batch: WriteBatch) => Int32Array;

const TS_DT = { s: 'TimestampSecond', ms: 'TimestampMillisecond', us: 'TimestampMicrosecond', ns: 'TimestampNanosecond' } as const;

function dtOf(schema: TableSchema, name: string, type: string): string {
  const s = schema.columns.find((c) => c.name === name);
  if (s?.sqlType === 'Json') return 'Json';
  switch (type) {
    case 'timestamp': return TS_DT[s?.unit ?? 'ms'];
    case 'int64': return 'Int64';
    case 'uint64': return 'UInt64';
    case 'float64': return 'Float64';
    case 'boolean': return 'Boolean';
    default: return 'String';
  }
}

function all(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** True when the text is a SQL predicate rather than a bare search term. */
export function isSqlPredicate(where: string): Expr | null {
  if (/^[\p{L}\p{N}_.:/@-]+$/u.test(where.trim())) return null;
  try {
    return parseExpr(where);
  } catch {
    return null;
  }
}

/** Matches `term` as a whole word (bounded by non-word characters) in any string column. */
function termFilter(term: string): TailFilter {
  const esc = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:^|[^\\p{L}\\p{N}_])${esc}(?:$|[^\\p{L}\\p{N}_])`, 'u');
  return (b) => {
    const cols = b.columns.filter((c) => c.type === 'string').map((c) => stringValues(c));
    const keep: number[] = [];
    for (let i = 0; i < b.rows; i++) if (cols.some((v) => { const s = v[i]; return typeof s === 'string' && s.includes(term) && re.test(s); })) keep.push(i);
    return Int32Array.from(keep);
  };
}

export function compileTailFilter(where: string | null, schema: TableSchema, ctx: () => QueryContext, nowNs: () => bigint): TailFilter {
  if (where === null || where.trim() === '') return (b) => all(b.rows);
  const expr = isSqlPredicate(where);
  if (!expr) return termFilter(where.trim());
  return (b) => {
    const fields = b.columns.map((c) => ({ name: c.name, dt: dtOf(schema, c.name, c.type) }));
    const cols = b.columns.map((c, k) => {
      const vals = c.type === 'string' ? stringValues(c) : Array.from(c.values as ArrayLike<unknown>, (v, i) => (c.valid && c.valid[i] === 0 ? null : c.type === 'boolean' ? v === 1 : v));
      return fromValues(fields[k]!.dt, vals as unknown[]);
    });
    const v = evaluate(expr, { fields, cols, len: b.rows }, { qctx: ctx(), nowNs: nowNs(), subqueries: new Map() });
    const keep: number[] = [];
    if (v.kind === 'bool') for (let i = 0; i < b.rows; i++) if (v.v[i] === 1 && (v.valid === null || v.valid[i] === 1)) keep.push(i);
    return Int32Array.from(keep);
  };
}

/** Checks a SQL predicate against the table's columns once, so a typo is a 400 before the stream starts. */
export function checkTailFilter(where: string | null, schema: TableSchema, ctx: () => QueryContext, nowNs: () => bigint): TailFilter {
  const f = compileTailFilter(where, schema, ctx, nowNs);
  const empty: WriteBatch = {
    table: schema.name, rows: 0,
    columns: schema.columns.map((c) => ({ name: c.name, type: c.type, semantic: c.semantic, values: c.type === 'string' ? [] : c.type === 'float64' ? new Float64Array(0) : c.type === 'boolean' ? new Uint8Array(0) : c.type === 'uint64' ? new BigUint64Array(0) : new BigInt64Array(0), valid: null })),
  };
  f(empty);
  return f;
}

export { formatTimestamp };
