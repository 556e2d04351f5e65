// Partitioned tables: PARTITION ON COLUMNS rules from the SQL AST, and the columnar split of a write batch by rule.
import { InvalidArgumentError } from './errors.ts';
import { isBatchRows, type BatchPart, type BatchRows, type Column, type WriteBatch } from './batch.ts';
import type { ColumnSchema, PartitionCmp, PartitionExpr, PartitionRule } from './schema.ts';
import type { Expr, PartitionSpec } from './sql/ast.ts';

/** The order of series: tag tuples compared value by value, null first, strings by code unit (storage sorts series so). */
export function compareKeyTuples(a: readonly (string | null)[], b: readonly (string | null)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? null, y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** A rule as GreptimeDB prints it (SHOW CREATE TABLE, information_schema.partitions): `host >= 'a' AND host < 'm'`. */
export function printPartitionExpr(e: PartitionExpr): string {
  if ('and' in e) return e.and.map((x) => ('or' in x ? `(${printPartitionExpr(x)})` : printPartitionExpr(x))).join(' AND ');
  if ('or' in e) return e.or.map((x) => ('and' in x ? `(${printPartitionExpr(x)})` : printPartitionExpr(x))).join(' OR ');
  const v = e.value === null ? 'NULL' : typeof e.value === 'string' ? `'${e.value.replace(/'/g, "''")}'` : String(e.value);
  return `${e.column} ${e.op === '!=' ? '<>' : e.op} ${v}`;
}

const FLIP: Record<PartitionCmp['op'], PartitionCmp['op']> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '!=': '!=' };
const CMP_OPS = new Set(['<', '<=', '>', '>=', '=', '!=', '<>']);

function literalOf(e: Expr): PartitionCmp['value'] | undefined {
  switch (e.type) {
    case 'string': return e.value;
    case 'number': return Number(e.value);
    case 'boolean': return e.value;
    case 'null': return null;
    case 'unary':
      if (e.op === '-' && e.expr.type === 'number') return -Number(e.expr.value);
      return undefined;
    default: return undefined;
  }
}

/**
 * The stored form of `PARTITION ON COLUMNS (c, ...) (rule, ...)`: each rule is comparisons of a partition column with a
 * literal, joined by AND / OR. Column names are resolved against the table's columns (exact, then case-insensitive).
 */
export function partitionRuleOf(spec: PartitionSpec, columns: readonly ColumnSchema[]): PartitionRule {
  const resolve = (name: string, pos: { line: number; column: number }): string => {
    const c = columns.find((x) => x.name === name) ?? columns.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!c) throw new InvalidArgumentError(`partition column ${name} is not a column of the table`, { line: pos.line, column: pos.column });
    return c.name;
  };
  const partCols = spec.columns.map((c) => resolve(c.value, c.pos));
  const convert = (e: Expr): PartitionExpr => {
    if (e.type === 'binary' && (e.op === 'AND' || e.op === 'OR')) {
      // a AND (b AND c) and (a AND b) AND c are one conjunction [a, b, c]: the rule reads back from its printed form
      const k = e.op === 'AND' ? 'and' : 'or';
      const args = [convert(e.left), convert(e.right)].flatMap((x) => (k in x ? (x as Record<typeof k, PartitionExpr[]>)[k] : [x]));
      return k === 'and' ? { and: args } : { or: args };
    }
    if (e.type === 'binary' && CMP_OPS.has(e.op)) {
      const op = (e.op === '<>' ? '!=' : e.op) as PartitionCmp['op'];
      const lit = (x: Expr) => literalOf(x);
      if (e.left.type === 'column' && lit(e.right) !== undefined) return cmpOf(e.left.path.at(-1)!.value, op, lit(e.right)!, e.left.pos);
      if (e.right.type === 'column' && lit(e.left) !== undefined) return cmpOf(e.right.path.at(-1)!.value, FLIP[op], lit(e.left)!, e.right.pos);
    }
    throw new InvalidArgumentError('a partition rule compares a partition column with a literal (<, <=, >, >=, =, !=), joined by AND / OR', { line: e.pos.line, column: e.pos.column });
  };
  const cmpOf = (name: string, op: PartitionCmp['op'], value: PartitionCmp['value'], pos: { line: number; column: number }): PartitionCmp => {
    const column = resolve(name, pos);
    if (!partCols.includes(column)) throw new InvalidArgumentError(`partition rule uses ${column}, which is not a partition column (${partCols.join(', ')})`, { line: pos.line, column: pos.column });
    return { column, op, value };
  };
  return { columns: partCols, exprs: spec.rules.map(convert) };
}

function compare(a: string | number | bigint | boolean, b: PartitionCmp['value']): number | null {
  if (b === null) return null;
  if (typeof a === 'string') {
    const s = String(b);
    return a < s ? -1 : a > s ? 1 : 0;
  }
  if (typeof a === 'bigint') {
    if (typeof b === 'number' && Number.isInteger(b)) {
      const bb = BigInt(b);
      return a < bb ? -1 : a > bb ? 1 : 0;
    }
    const x = Number(a), y = Number(b);
    return Number.isNaN(y) ? null : x < y ? -1 : x > y ? 1 : 0;
  }
  const x = typeof a === 'boolean' ? Number(a) : a;
  const y = typeof b === 'boolean' ? Number(b) : Number(b);
  if (Number.isNaN(y) || Number.isNaN(x)) return null;
  return x < y ? -1 : x > y ? 1 : 0;
}

function holds(op: PartitionCmp['op'], c: number | null): boolean {
  if (c === null) return false;
  switch (op) {
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
    case '=': return c === 0;
    case '!=': return c !== 0;
  }
}

/** Pure, per value: does one (non-null) value satisfy a comparison? Exported for tests and single-row checks. */
export function cmpHolds(cmp: PartitionCmp, v: string | number | bigint | boolean | null): boolean {
  return v !== null && holds(cmp.op, compare(v, cmp.value));
}

/** mask[i] = 1 where row i satisfies the comparison; a dictionary column is judged once per dictionary entry. */
function leafMask(cmp: PartitionCmp, col: Column | undefined, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (!col) return out; // the batch has no value for the column: null, which satisfies no comparison
  const valid = col.valid;
  if (col.dict) {
    const dictOk = new Uint8Array(col.dict.length);
    for (let d = 0; d < col.dict.length; d++) dictOk[d] = cmpHolds(cmp, col.dict[d]!) ? 1 : 0;
    const codes = col.values as Int32Array;
    for (let i = 0; i < n; i++) out[i] = (valid === null || valid[i] === 1) ? dictOk[codes[i]!]! : 0;
    return out;
  }
  const vals = col.values;
  if (Array.isArray(vals)) {
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      out[i] = v !== null && v !== undefined && (valid === null || valid[i] === 1) && holds(cmp.op, compare(v, cmp.value)) ? 1 : 0;
    }
    return out;
  }
  if (cmp.value === null) return out;
  const isBool = col.type === 'boolean';
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue;
    const v = vals[i]!;
    out[i] = holds(cmp.op, compare(isBool ? v === 1 : (v as number | bigint), cmp.value)) ? 1 : 0;
  }
  return out;
}

function exprMask(e: PartitionExpr, batch: WriteBatch, byName: Map<string, Column>): Uint8Array {
  if ('and' in e || 'or' in e) {
    const parts = ('and' in e ? e.and : e.or).map((x) => exprMask(x, batch, byName));
    const out = parts[0] ?? new Uint8Array(batch.rows).fill('and' in e ? 1 : 0);
    for (let p = 1; p < parts.length; p++) {
      const m = parts[p]!;
      if ('and' in e) for (let i = 0; i < out.length; i++) out[i]! &= m[i]!;
      else for (let i = 0; i < out.length; i++) out[i]! |= m[i]!;
    }
    return out;
  }
  return leafMask(e, byName.get(e.column), batch.rows);
}

/** A row's partition-column values as text, for error messages. */
function describeRow(rule: PartitionRule, byName: Map<string, Column>, i: number): string {
  return rule.columns.map((name) => {
    const c = byName.get(name);
    if (!c || (c.valid !== null && c.valid[i] === 0)) return `${name} = NULL`;
    const v = c.dict ? c.dict[(c.values as Int32Array)[i]!] : c.values[i];
    return `${name} = ${typeof v === 'string' ? `'${v}'` : c.type === 'boolean' ? String(v === 1) : String(v)}`;
  }).join(', ');
}

/**
 * The region of every row: the first rule the row satisfies. A row no rule accepts is the writer's mistake and fails
 * the whole batch, naming the row and its partition values.
 */
export function regionIndexes(rule: PartitionRule, batch: WriteBatch, table = batch.table, fallback?: number): Int32Array {
  const n = batch.rows;
  const out = new Int32Array(n).fill(-1);
  const byName = new Map(batch.columns.map((c) => [c.name, c]));
  let left = n;
  for (let r = 0; r < rule.exprs.length && left > 0; r++) {
    const m = exprMask(rule.exprs[r]!, batch, byName);
    for (let i = 0; i < n; i++) {
      if (m[i] === 1 && out[i] === -1) {
        out[i] = r;
        left--;
      }
    }
  }
  if (left > 0 && fallback !== undefined) {
    for (let i = 0; i < n; i++) if (out[i] === -1) out[i] = fallback;
  } else if (left > 0) {
    const i = out.indexOf(-1);
    throw new InvalidArgumentError(`row ${i} (${describeRow(rule, byName, i)}) matches no partition rule of table ${table}`, { row: i });
  }
  return out;
}

/** The values at `rows`, in a fresh array of the same kind; 8-byte values move as pairs of 32-bit words (no BigInt per row). */
function takeValues(src: Column['values'], rows: Int32Array): Column['values'] {
  const k = rows.length;
  if (Array.isArray(src)) {
    const out = new Array<string | null>(k);
    for (let j = 0; j < k; j++) out[j] = src[rows[j]!] ?? null;
    return out;
  }
  const out = new (src.constructor as new (n: number) => Exclude<Column['values'], unknown[]>)(k);
  if (src.BYTES_PER_ELEMENT === 8) {
    const from = new Int32Array(src.buffer, src.byteOffset, src.length * 2), to = new Int32Array(out.buffer, out.byteOffset, k * 2);
    for (let j = 0; j < k; j++) {
      const r = rows[j]! * 2;
      to[2 * j] = from[r]!;
      to[2 * j + 1] = from[r + 1]!;
    }
  } else if (src instanceof Int32Array) {
    const to = out as Int32Array;
    for (let j = 0; j < k; j++) to[j] = src[rows[j]!]!;
  } else {
    const to = out as Uint8Array, from = src as Uint8Array;
    for (let j = 0; j < k; j++) to[j] = from[rows[j]!]!;
  }
  return out;
}

/**
 * A dictionary column's rows at `rows`, with a dictionary of the entries those rows use (in their first-use order): a
 * region's part of a batch carries its own values, not every value of the batch, to the WAL, over NATS and into the
 * memtable's interning.
 */
function takeDictionary(c: Column, rows: Int32Array): Column {
  const dict = c.dict!, codes = c.values as Int32Array, valid = c.valid, k = rows.length;
  const remap = new Int32Array(dict.length).fill(-1);
  const out = new Int32Array(k), used: string[] = [];
  let outValid: Uint8Array | null = null;
  for (let j = 0; j < k; j++) {
    const r = rows[j]!;
    if (valid !== null && valid[r] === 0) {
      (outValid ??= new Uint8Array(k).fill(1))[j] = 0;
      continue;
    }
    const code = codes[r]!;
    let m = remap[code]!;
    if (m < 0) {
      m = remap[code] = used.length;
      used.push(dict[code]!);
    }
    out[j] = m;
  }
  // Kept as a validity array (all ones) when the source had one, as the other columns' copies do.
  if (valid !== null && outValid === null) outValid = new Uint8Array(k).fill(1);
  return { ...c, values: out, valid: outValid, dict: used };
}

function takeColumn(c: Column, rows: Int32Array): Column {
  if (c.dict) return takeDictionary(c, rows);
  const k = rows.length;
  let valid: Uint8Array | null = null;
  if (c.valid) {
    const from = c.valid;
    valid = new Uint8Array(k);
    for (let j = 0; j < k; j++) valid[j] = from[rows[j]!]!;
  }
  return { ...c, values: takeValues(c.values, rows), valid };
}

/** The batch of `rows` (in that order), its columns copied out. */
export function takeRows(batch: WriteBatch, rows: Int32Array): WriteBatch {
  const part: WriteBatch = { table: batch.table, rows: rows.length, columns: batch.columns.map((c) => takeColumn(c, rows)) };
  if (batch.series) {
    const ids = batch.series.ids, sub = new Int32Array(rows.length);
    for (let j = 0; j < rows.length; j++) sub[j] = ids[rows[j]!]!;
    part.series = { source: batch.series.source, ids: sub };
  }
  return part;
}

/** A part as a batch of its own (copied out when it is some rows of a batch). */
export function materialize(p: BatchPart): WriteBatch {
  return isBatchRows(p) ? takeRows(p.of, p.rows) : p;
}

/** Per region, its rows (null for a region with none), not copied out. A batch wholly in one region is passed on as it is. */
export function splitRows(batch: WriteBatch, idx: Int32Array, regions: number): (BatchPart | null)[] {
  const counts = new Int32Array(regions);
  for (let i = 0; i < idx.length; i++) counts[idx[i]!]!++;
  const out: (BatchPart | null)[] = new Array(regions).fill(null);
  for (let r = 0; r < regions; r++) {
    if (counts[r] === batch.rows) {
      out[r] = batch;
      return out;
    }
  }
  const rowsOf = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(regions);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    rowsOf[r]![fill[r]!++] = i;
  }
  for (let r = 0; r < regions; r++) if (counts[r]! > 0) out[r] = { of: batch, rows: rowsOf[r]! } satisfies BatchRows;
  return out;
}

/** Per region, the batch of its rows (null for a region with none). A batch wholly in one region is passed on as it is. */
export function splitBatch(batch: WriteBatch, idx: Int32Array, regions: number): (WriteBatch | null)[] {
  return splitRows(batch, idx, regions).map((p) => (p === null ? null : materialize(p)));
}

/**
 * Splits a batch of a partitioned table by rule into each region's rows, not copied out (see BatchRows); a table
 * without a rule has everything in region 0.
 */
export function partitionRows(rule: PartitionRule | undefined, regions: number, batch: WriteBatch, fallback?: number): (BatchPart | null)[] {
  if (!rule || regions <= 1 || rule.exprs.length === 0) return [batch];
  return splitRows(batch, regionIndexes(rule, batch, batch.table, fallback), regions);
}

/** Splits a batch of a partitioned table by rule; a table without a rule has everything in region 0. */
export function partitionBatch(rule: PartitionRule | undefined, regions: number, batch: WriteBatch, fallback?: number): (WriteBatch | null)[] {
  return partitionRows(rule, regions, batch, fallback).map((p) => (p === null ? null : materialize(p)));
}

/**
 * The regions a scan with a tag filter (column -> accepted values) can find rows in: a region is kept when some
 * combination of accepted values of the filtered partition columns satisfies its rule, columns without a filter being
 * free (rules are AND/OR of comparisons, so "free" can be taken as true). Never misses a region; exact when every
 * partition column is filtered. Past 256 combinations, every region is kept.
 */
export function regionsForFilter(rule: PartitionRule | undefined, regions: number, filter: Record<string, (string | null)[]> | undefined): number[] {
  const all = Array.from({ length: regions }, (_, r) => r);
  if (!rule || !filter || regions <= 1 || rule.exprs.length !== regions) return all;
  const cols = rule.columns.filter((c) => filter[c] !== undefined);
  if (cols.length === 0) return all;
  let combos: Map<string, string | null>[] = [new Map()];
  for (const c of cols) {
    combos = combos.flatMap((m) => filter[c]!.map((v) => new Map(m).set(c, v)));
    if (combos.length > 256) return all;
  }
  const holds = (e: PartitionExpr, env: Map<string, string | null>): boolean => {
    if ('and' in e) return e.and.every((x) => holds(x, env));
    if ('or' in e) return e.or.some((x) => holds(x, env));
    return env.has(e.column) ? cmpHolds(e, env.get(e.column)!) : true;
  };
  return all.filter((r) => combos.some((env) => holds(rule.exprs[r]!, env)));
}
