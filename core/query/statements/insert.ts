// INSERT VALUES / INSERT SELECT: convert values to the table's column types and write one columnar batch.
import { wallToUtcNs } from '../expr/timezone.ts';
import { EddyError, InvalidArgumentError, StatusCode } from '../../errors.ts';
import type { Column, WriteBatch } from '../../batch.ts';
import type { ColumnSchema, TableSchema } from '../../schema.ts';
import { allocValues } from '../../batch.ts';
import type { Expr, Insert } from '../../sql/index.ts';
import type { Env } from '../expr/eval.ts';
import { castTo, evalExpr } from '../expr/eval.ts';
import { relNamer } from '../expr/names.ts';
import { PlanError, emptyRel } from '../plan/rel.ts';
import { columnDt } from '../plan/scan.ts';
import { effectiveTtl, isPhysical } from './metric.ts';
import type { QState } from '../plan/select.ts';
import { runQuery } from '../plan/select.ts';
import { tableName } from './ddl.ts';
import type { Interval, Vec } from '../vector.ts';
import { TIME_TYPES, UNIT_NS, getValue, isNull, storedIntervalText } from '../vector.ts';
import { floorDiv, parseTimestampNs, timestampParseError, tsInRange, tsRangeText } from '../expr/time.ts';
import { decimalOf, isDecimal } from '../expr/decimal.ts';
import { decimalText } from '../expr/decimal_exact.ts';

/** One value converted to the storage representation of a column (ns bigint for timestamps). */
function convertCell(v: Vec, i: number, col: ColumnSchema, row: number): unknown {
  if (isNull(v, i)) return null;
  const dt = columnDt(col);
  // a TIME column casts its values as CAST(x AS TIME(p)) does (valueCell)
  if (col.type === 'timestamp' && TIME_TYPES[dt] === undefined) {
    const ns = timestampCell(v, i, col, dt, row);
    if (tsInRange(ns)) return ns;
    // A nanosecond column cannot hold the instant in GreptimeDB either: refused. A date (and a second / ms / us
    // column) can in GreptimeDB (Date32 to year +-5 million, the others to year +-262143), but EddyDB holds every
    // time as int64 nanoseconds: a date outside them is refused rather than stored as another day. A second / ms /
    // us value is still kept wrapped around, as before (shared sqlness timestamp.sql counts those inserts);
    // holding those columns' full ranges needs times in their own unit end to end.
    if ((col.unit ?? 'ms') === 'ns' || dt === 'Date') throw new InvalidArgumentError(`${tsRangeText(`Value ${String(getValue(v, i))}`)}, for column ${col.name}`, { row });
    return BigInt.asIntN(64, ns);
  }
  return valueCell(v, i, col, dt, row);
}

/** A value for a timestamp column as nanoseconds (unbounded: the caller checks the range). */
function timestampCell(v: Vec, i: number, col: ColumnSchema, dt: string, row: number): bigint {
  if (v.kind === 'ts') return v.v[i]!;
  if (v.kind === 'num') {
    // an integer beyond 2^53 (nanoseconds since the epoch are) counts units exactly
    if (v.big) return BigInt(v.big[i]!) * (dt === 'Date' ? 86_400_000_000_000n : UNIT_NS[col.unit ?? 'ms']);
    const x = v.v[i]!;
    if (!Number.isFinite(x)) throw new InvalidArgumentError(`Invalid timestamp ${x} for column ${col.name}`, { row });
    // a fractional number casts like DataFusion's Float64 -> Timestamp: truncated to the column's unit
    return BigInt(Math.trunc(x)) * (dt === 'Date' ? 86_400_000_000_000n : UNIT_NS[col.unit ?? 'ms']);
  }
  if (v.kind === 'str') {
    const parsed = parseTimestampNs(v.v[i]!);
    if (parsed === null) {
      if (dt === 'Date') throw new InvalidArgumentError(`Failed to parse '${v.v[i]}' as a date for column ${col.name}`, { row });
      throw new InvalidArgumentError(`${timestampParseError(v.v[i]!)} (column ${col.name})`, { row });
    }
    // a date is a calendar day, the same in every zone: its text is read as written
    if (dt === 'Date') return floorDiv(parsed, 86_400_000_000_000n) * 86_400_000_000_000n;
    // text without a zone is a wall-clock time in the session's zone
    const ns = wallToUtcNs(parsed, v.v[i]!, (v as { tz?: string }).tz);
    // ..and falls in the unit it lies in (floor: 23:59:58.5 before 1970 is 23:59:58), as a cast of the text does
    const u = UNIT_NS[col.unit ?? 'ms'];
    return floorDiv(ns, u) * u;
  }
  throw new InvalidArgumentError(`Cannot insert ${v.dt} into timestamp column ${col.name}`, { row });
}

/** A value for any other column, in its storage representation. */
function valueCell(v: Vec, i: number, col: ColumnSchema, dt: string, row: number): unknown {
  // an interval column takes intervals (INTERVAL '1 year'), not text that would read as one, as GreptimeDB
  if (dt === 'IntervalMonthDayNano' && v.dt !== dt) throw new InvalidArgumentError(`Failed to parse ${String(getValue(v, i))} to IntervalMonthDayNano value for column ${col.name}`, { row });
  let c: Vec;
  try {
    c = castTo(subVec(v, i), dt, false);
  } catch (e) {
    throw new InvalidArgumentError(`${(e as Error).message.replace(/ at line \d+, column \d+$/, '')} for column ${col.name}`, { row }, e);
  }
  // an Int64/UInt64 beyond 2^53 goes on as its exact bigint, not the rounded double
  if (c.kind === 'num' && c.big) return c.big[0]!;
  // a wide decimal is stored as its exact text (ddl.ts columnType)
  if (col.type === 'string' && c.kind === 'num' && isDecimal(dt)) return decimalText(c, 0, decimalOf(dt)!.s);
  const x = getValue(c, 0);
  if (dt === 'Float32' && typeof x === 'number') return Math.fround(x);
  if (dt === 'IntervalMonthDayNano') return storedIntervalText(x as Interval);
  return x;
}

/** The text of a number literal, signed (`-1.5`), or null for any other expression. */
function numberText(e: Expr): string | null {
  if (e.type === 'number') return e.value;
  if (e.type === 'unary' && (e.op === '-' || e.op === '+') && e.expr.type === 'number') return (e.op === '-' ? '-' : '') + e.expr.value;
  return null;
}

function subVec(v: Vec, i: number): Vec {
  switch (v.kind) {
    case 'num': return v.big ? { ...v, v: v.v.subarray(i, i + 1), valid: null, big: v.big.subarray(i, i + 1) } : { ...v, v: v.v.subarray(i, i + 1), valid: null };
    case 'ts': return { ...v, v: v.v.subarray(i, i + 1), valid: null };
    case 'bool': return { ...v, v: v.v.subarray(i, i + 1), valid: null };
    default: return { ...v, v: [v.v[i]] } as Vec;
  }
}

function defaultCell(col: ColumnSchema, env: Env, row: number): unknown {
  if (col.defaultExpr !== undefined) {
    const f = col.defaultExpr.toLowerCase();
    if (f.startsWith('current_timestamp') || f.startsWith('now') || f.startsWith('localtimestamp')) {
      if (col.type === 'timestamp') { const u = UNIT_NS[col.unit ?? 'ms']; return (env.nowNs / u) * u; }
      return Number(env.nowNs / 1_000_000n);
    }
    throw new EddyError(StatusCode.Unsupported, `Unsupported default ${col.defaultExpr}`);
  }
  if (col.defaultValue !== undefined && col.defaultValue !== null) {
    const dv = col.defaultValue;
    const v: Vec = typeof dv === 'number' ? { kind: 'num', dt: 'Float64', v: Float64Array.of(dv), valid: null }
      : typeof dv === 'boolean' ? { kind: 'bool', dt: 'Boolean', v: Uint8Array.of(dv ? 1 : 0), valid: null }
      : { kind: 'str', dt: 'String', v: [String(dv)] };
    return convertCell(v, 0, col, row);
  }
  if (!col.nullable) throw new InvalidArgumentError(`Column ${col.name} is not nullable and has no default value`, { row });
  return null;
}

export function buildBatch(schema: TableSchema, cells: Map<string, unknown[]>, rows: number, env: Env): WriteBatch {
  const columns: Column[] = schema.columns.map((col) => {
    const given = cells.get(col.name);
    const values = allocValues(col.type, rows);
    let valid: Uint8Array | null = null;
    for (let r = 0; r < rows; r++) {
      let x = given ? given[r] : defaultCell(col, env, r);
      if (x === null && given && col.semantic === 'timestamp') x = null;
      if (x === null || x === undefined) {
        if (col.semantic === 'timestamp') throw new InvalidArgumentError(`Time index column ${col.name} must not be null`, { row: r });
        if (!col.nullable) throw new InvalidArgumentError(`Column ${col.name} is not nullable`, { row: r });
        valid ??= new Uint8Array(rows).fill(1);
        valid[r] = 0;
        continue;
      }
      switch (col.type) {
        case 'string': (values as (string | null)[])[r] = String(x); break;
        case 'float64': (values as Float64Array)[r] = Number(x); break;
        case 'int64': (values as BigInt64Array)[r] = typeof x === 'bigint' ? x : BigInt(Math.trunc(Number(x))); break;
        case 'uint64': {
          if (typeof x === 'bigint') {
            if (x < 0n) throw new InvalidArgumentError(`Value ${x} out of range for unsigned column ${col.name}`, { row: r });
            (values as BigUint64Array)[r] = x;
            break;
          }
          const n = Math.trunc(Number(x));
          if (n < 0) throw new InvalidArgumentError(`Value ${n} out of range for unsigned column ${col.name}`, { row: r });
          (values as BigUint64Array)[r] = BigInt(n);
          break;
        }
        case 'boolean': (values as Uint8Array)[r] = x ? 1 : 0; break;
        case 'timestamp': (values as BigInt64Array)[r] = x as bigint; break;
      }
    }
    return { name: col.name, type: col.type, semantic: col.semantic, values, valid };
  });
  return { table: schema.name, rows, columns };
}

export async function runInsert(s: Insert, st: QState): Promise<number> {
  const ctx = st.env.qctx;
  const { db, table } = tableName(s.table, ctx);
  const schema = await ctx.getTable(db, table);
  if (!schema) throw new EddyError(StatusCode.TableNotFound, `Table not found: greptime.${db}.${table}`);
  if (isPhysical(schema)) throw new EddyError(StatusCode.Unsupported, `Write request to physical region is forbidden: ${db}.${table} is a physical metric table`);
  const instant = (await effectiveTtl(schema, ctx)).instant;
  const targets = s.columns.length ? s.columns.map((c) => {
    const col = schema.columns.find((x) => x.name === c.value) ?? (c.quote === undefined ? schema.columns.find((x) => x.name.toLowerCase() === c.value) : undefined);
    if (!col) throw new PlanError(`Column ${c.value} not found in table ${table}`, c.pos, StatusCode.TableColumnNotFound);
    return col;
  }) : schema.columns;
  const cells = new Map<string, unknown[]>();
  for (const t of targets) cells.set(t.name, []);
  let rows = 0;
  const body = s.source.body;
  if (body.type === 'values' && !s.source.with) {
    const scope = { rel: emptyRel(1), env: st.env, namer: relNamer(undefined) };
    for (const [r, row] of body.rows.entries()) {
      if (row.length !== targets.length) {
        throw new PlanError(`Columns and values number mismatch, columns: ${targets.length}, values: ${row.length}`, row[0]?.pos ?? s.pos, StatusCode.InvalidArguments);
      }
      row.forEach((e, j) => {
        const col = targets[j]!;
        const isDefault = e.type === 'column' && e.path.length === 1 && e.path[0]!.quote === undefined && e.path[0]!.value.toLowerCase() === 'default';
        // MySQL-style "text" in VALUES is a string, as GreptimeDB accepts it
        const lit = e.type === 'column' && e.path.length === 1 && e.path[0]!.quote === '"' ? { type: 'string' as const, value: e.path[0]!.value, pos: e.pos } : e;
        // a number literal is not text: GreptimeDB refuses it for a string column rather than guess its spelling
        const decimalCol = isDecimal(columnDt(col));
        if (lit.type === 'number' && col.type === 'string' && !decimalCol) {
          throw new PlanError(`Failed to parse value: number ${lit.value} for string column ${col.name}`, lit.pos, StatusCode.InvalidSyntax);
        }
        // a number written for a decimal column is read from its digits, as GreptimeDB does, never through a double
        const digits = decimalCol ? numberText(lit) : null;
        const v = isDefault ? null : digits !== null ? ({ kind: 'str', dt: 'String', v: [digits] } as Vec) : evalExpr(lit, scope);
        cells.get(col.name)!.push(v === null ? defaultCell(col, st.env, r) : convertCell(v, 0, col, r));
      });
      rows++;
    }
  } else {
    const rel = await runQuery(s.source, st);
    if (rel.fields.length !== targets.length) {
      throw new PlanError(`Columns and values number mismatch, columns: ${targets.length}, values: ${rel.fields.length}`, s.pos, StatusCode.InvalidArguments);
    }
    targets.forEach((col, j) => {
      const out = cells.get(col.name)!;
      const v = rel.cols[j]!;
      for (let i = 0; i < rel.len; i++) out.push(convertCell(v, i, col, i));
    });
    rows = rel.len;
  }
  if (rows === 0) return 0;
  const batch = buildBatch(schema, cells, rows, st.env);
  // ttl = 'instant': rows expire as they arrive, so nothing is written
  if (instant) {
    await ctx.feedFlows?.(db, batch);
    return 0;
  }
  return ctx.write(db, batch);
}
