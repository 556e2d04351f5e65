// Test fixtures for storage: a cpu-like schema, row-object batches and record batches read back as plain rows.
import type { RecordBatch } from 'apache-arrow';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Column, ColumnSchema, TableSchema, WriteBatch } from '../../core/index.ts';
import { allocValues } from '../../core/index.ts';

export function cpuSchema(opts: Partial<TableSchema['options']> = {}, extra: ColumnSchema[] = []): TableSchema {
  return {
    db: 'public', name: 'cpu', id: 1024, version: 1, timeIndex: 'ts', primaryKey: ['host', 'region'], regions: 1, createdAt: 0,
    options: { ...opts },
    columns: [
      { name: 'host', type: 'string', semantic: 'tag', nullable: true },
      { name: 'region', type: 'string', semantic: 'tag', nullable: true },
      { name: 'usage_user', type: 'float64', semantic: 'field', nullable: true },
      { name: 'usage_system', type: 'float64', semantic: 'field', nullable: true },
      { name: 'ts', type: 'timestamp', semantic: 'timestamp', nullable: false, unit: 'ns' },
      ...extra,
    ],
  };
}

export type Row = Record<string, string | number | bigint | boolean | null>;

/** Builds a batch from row objects; a column is present when any row has a key for it. */
export function batchOf(schema: TableSchema, rows: Row[]): WriteBatch {
  const columns: Column[] = [];
  for (const cs of schema.columns) {
    if (!rows.some((r) => cs.name in r)) continue;
    const values = allocValues(cs.type, rows.length);
    const valid = new Uint8Array(rows.length);
    rows.forEach((r, i) => {
      const v = r[cs.name];
      if (v === null || v === undefined) return;
      valid[i] = 1;
      (values as unknown as unknown[])[i] = cs.type === 'boolean' ? (v ? 1 : 0) : cs.type === 'int64' || cs.type === 'timestamp' ? BigInt(v as number) : v;
    });
    columns.push({ name: cs.name, type: cs.type, semantic: cs.semantic, values, valid: valid.every((x) => x === 1) ? null : valid });
  }
  return { table: schema.name, rows: rows.length, columns };
}

/** Reads record batches as rows; timestamps and int64 come back as bigint (read from the typed arrays, not get()). */
export function rowsOf(batches: RecordBatch[]): Row[] {
  const out: Row[] = [];
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      const row: Row = {};
      for (const f of b.schema.fields) {
        const v = b.getChild(f.name)!;
        if (!v.isValid(i)) { row[f.name] = null; continue; }
        const t = String(f.type);
        if (t.startsWith('Timestamp')) {
          const d = v.data[0]!;
          row[f.name] = (d.values as BigInt64Array)[i]!;
        } else row[f.name] = v.get(i) as Row[string];
      }
      out.push(row);
    }
  }
  return out;
}

export function keyOf(r: Row): string {
  return `${r.host}|${r.region}|${r.ts}`;
}

export function sortRows(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'eddy-storage-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The same batch with its string columns (or only the named ones) in dictionary form, codes in a shuffled dictionary. */
export function dictForm(b: WriteBatch, only?: string[]): WriteBatch {
  const columns = b.columns.map((c): Column => {
    if (c.type !== 'string' || c.dict || (only && !only.includes(c.name))) return c;
    const vals = c.values as (string | null)[];
    const dict = [...new Set(vals.filter((v): v is string => v !== null))].reverse();
    dict.push('unused');
    const pos = new Map(dict.map((v, i) => [v, i]));
    const codes = new Int32Array(b.rows);
    let valid: Uint8Array | null = null;
    vals.forEach((v, i) => {
      if (v === null) { valid ??= new Uint8Array(b.rows).fill(1); valid[i] = 0; codes[i] = 12345; }
      else codes[i] = pos.get(v)!;
    });
    return { ...c, values: codes, valid, dict };
  });
  return { ...b, columns };
}
