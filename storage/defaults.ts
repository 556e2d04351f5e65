// Column defaults (ALTER TABLE ADD COLUMN ... DEFAULT x): the value rows written before the column existed read back as.
import { NANOS_PER_UNIT, type ColumnSchema } from '../core/index.ts';
import { nullColumn } from './run.ts';
import type { ColumnData } from './types.ts';

/** The default of a column in its storage form (number, bigint or string), or null when it has none. */
export function defaultOf(c: ColumnSchema): number | bigint | string | null {
  const d = c.defaultValue;
  if (d === undefined || d === null) return null;
  try {
    switch (c.type) {
      case 'string': return String(d);
      case 'boolean': return d === true || d === 1 || (typeof d === 'string' && /^(true|t|1)$/i.test(d.trim())) ? 1 : 0;
      case 'float64': { const v = Number(d); return Number.isNaN(v) && typeof d !== 'number' ? null : v; }
      case 'timestamp': {
        const unit = NANOS_PER_UNIT[c.unit ?? 'ms'];
        if (typeof d === 'number') return BigInt(Math.trunc(d)) * unit;
        if (typeof d === 'string' && /^-?\d+$/.test(d.trim())) return BigInt(d.trim()) * unit;
        const ms = Date.parse(String(d));
        return Number.isNaN(ms) ? null : BigInt(ms) * 1_000_000n;
      }
      default: {
        const v = BigInt(typeof d === 'number' ? Math.trunc(d) : typeof d === 'boolean' ? Number(d) : String(d).trim());
        return c.type === 'uint64' && v < 0n ? null : v;
      }
    }
  } catch {
    return null;
  }
}

/** A column of n rows all holding the column's default (all null when it has none). */
export function defaultColumn(c: ColumnSchema, n: number): ColumnData {
  const d = defaultOf(c);
  if (d === null) return nullColumn(c.type, n);
  if (c.type === 'string') return { type: 'string', values: new Int32Array(n), valid: null, dict: [d as string] };
  const col = nullColumn(c.type, n);
  (col.values as unknown as { fill(v: unknown): void }).fill(d);
  col.valid = null;
  return col;
}
