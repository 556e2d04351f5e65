// An in-memory QueryContext for golden tests: tables kept as rows, scans returned as Arrow batches with last-write-wins.
import { Bool, Float64, Int64, RecordBatch, Table, TimestampNanosecond, Uint64, Utf8, makeData, makeVector, vectorFromArray, type Vector } from 'apache-arrow';
import type { TableSchema, WriteBatch } from '../../core/index.ts';
import { EddyError, StatusCode, valueAt } from '../../core/index.ts';
import type { QueryContext, ScanSpec } from '../../core/query/index.ts';
import { ProcessList, parseTimestampNs } from '../../core/query/index.ts';

interface StoredTable { schema: TableSchema; rows: Map<string, unknown>[]; seq: number }

export class MemoryCatalog {
  readonly dbs = new Map<string, Map<string, StoredTable>>([['public', new Map()]]);
  readonly dbOptions = new Map<string, Record<string, string>>();
  nextId = 1024;
  nowMs = Date.UTC(2024, 0, 1);
  readonly processes = new ProcessList('memory:4000', () => this.nowMs);

  context(db = 'public'): QueryContext {
    const cat = this;
    const ctx: QueryContext = {
      db,
      now: () => cat.nowMs,
      processes: cat.processes,
      client: 'golden/test',
      listDatabases: async () => [...cat.dbs.keys()],
      createDatabase: async (name, _ine, options) => {
        if (cat.dbs.has(name)) return false;
        cat.dbs.set(name, new Map());
        cat.dbOptions.set(name, { ...(options ?? {}) });
        return true;
      },
      databaseOptions: async (name) => (cat.dbs.has(name) ? { ...(cat.dbOptions.get(name) ?? {}) } : null),
      alterDatabase: async (name, change) => { cat.dbOptions.set(name, change({ ...(cat.dbOptions.get(name) ?? {}) })); },
      dropDatabase: async (name) => { cat.dbOptions.delete(name); return cat.dbs.delete(name); },
      listTables: async (d) => [...(cat.dbs.get(d)?.keys() ?? [])],
      getTable: async (d, name) => cat.dbs.get(d)?.get(name)?.schema ?? null,
      createTable: async (draft, ifNotExists) => {
        const tables = cat.dbs.get(draft.db);
        if (!tables) throw new EddyError(StatusCode.DatabaseNotFound, `Database not found: ${draft.db}`);
        const old = tables.get(draft.name);
        if (old) {
          if (ifNotExists) return { schema: old.schema, created: false };
          throw new EddyError(StatusCode.TableAlreadyExists, `Table already exists: ${draft.name}`);
        }
        const schema = { ...draft, id: cat.nextId++ };
        tables.set(draft.name, { schema, rows: [], seq: 0 });
        return { schema, created: true };
      },
      alterTable: async (d, name, change) => {
        const t = cat.table(d, name);
        const next = change(t.schema);
        t.schema = next;
        if (next.name !== name) { cat.dbs.get(d)!.delete(name); cat.dbs.get(d)!.set(next.name, t); }
        return next;
      },
      dropTable: async (d, name) => cat.dbs.get(d)?.delete(name) ?? false,
      truncateTable: async (d, name) => { cat.table(d, name).rows = []; },
      scan: async (schema, spec) => cat.scan(schema, spec),
      write: async (d, batch) => cat.write(d, batch),
      delete: async (d, batch) => cat.remove(d, batch),
    };
    return ctx;
  }

  private table(db: string, name: string): StoredTable {
    const t = this.dbs.get(db)?.get(name);
    if (!t) throw new EddyError(StatusCode.TableNotFound, `Table not found: ${db}.${name}`);
    return t;
  }

  private key(schema: TableSchema, row: Map<string, unknown>): string {
    return JSON.stringify([...schema.primaryKey, schema.timeIndex].map((k) => String(row.get(k) ?? null)));
  }

  write(db: string, b: WriteBatch): number {
    const t = this.table(db, b.table);
    for (let i = 0; i < b.rows; i++) {
      const row = new Map<string, unknown>();
      for (const c of b.columns) row.set(c.name, valueAt(c, i));
      t.rows.push(row);
    }
    if (!t.schema.options.appendMode) {
      const last = new Map<string, Map<string, unknown>>();
      for (const r of t.rows) last.set(this.key(t.schema, r), r);
      t.rows = [...last.values()];
    }
    return b.rows;
  }

  remove(db: string, b: WriteBatch): number {
    const t = this.table(db, b.table);
    const keys = new Set<string>();
    for (let i = 0; i < b.rows; i++) {
      const row = new Map<string, unknown>();
      for (const c of b.columns) row.set(c.name, valueAt(c, i));
      keys.add(this.key(t.schema, row));
    }
    const before = t.rows.length;
    t.rows = t.rows.filter((r) => !keys.has(this.key(t.schema, r)));
    return before - t.rows.length;
  }

  scan(schema: TableSchema, spec: ScanSpec): RecordBatch[] {
    const t = this.table(schema.db, schema.name);
    let rows = t.rows.filter((r) => {
      const ts = r.get(schema.timeIndex) as bigint;
      if (spec.start !== undefined && ts < spec.start) return false;
      if (spec.end !== undefined && ts >= spec.end) return false;
      for (const [k, vals] of Object.entries(spec.tagFilter ?? {})) if (!vals.includes((r.get(k) as string | null) ?? null)) return false;
      return true;
    });
    const cmp = (a: unknown, b: unknown) => (a === b ? 0 : a === null || a === undefined ? -1 : b === null || b === undefined ? 1 : (a as string) < (b as string) ? -1 : 1);
    rows = rows.map((r, i) => [r, i] as const).sort(([a, i], [b, j]) => {
      for (const k of schema.primaryKey) { const c = cmp(a.get(k), b.get(k)); if (c) return c; }
      return cmp(a.get(schema.timeIndex), b.get(schema.timeIndex)) || i - j;
    }).map(([r]) => r);
    if (spec.limit !== undefined) rows = rows.slice(0, spec.limit);
    const cols = schema.columns.filter((c) => !spec.columns || spec.columns.includes(c.name));
    const children: Record<string, Vector> = {};
    for (const c of cols) {
      const dflt = c.defaultValue ?? null;
      // rows written before the column existed read its default; values of an older type are converted
      const raw = rows.map((r) => (r.has(c.name) ? r.get(c.name) : dflt));
      const vals = raw.map((v) => convert(v, c.type));
      switch (c.type) {
        case 'timestamp': {
          const data = new BigInt64Array(vals.map((v) => (v === null ? 0n : BigInt(v as bigint))));
          const nulls = vals.some((v) => v === null);
          const bitmap = new Uint8Array(Math.ceil(vals.length / 8));
          vals.forEach((v, i) => { if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7); });
          children[c.name] = makeVector(makeData({ type: new TimestampNanosecond(), length: vals.length, data, ...(nulls ? { nullBitmap: bitmap, nullCount: vals.filter((v) => v === null).length } : {}) }));
          break;
        }
        case 'int64': children[c.name] = vectorFromArray(vals.map((v) => (v === null ? null : BigInt(v as number | bigint))), new Int64()); break;
        case 'uint64': children[c.name] = vectorFromArray(vals.map((v) => (v === null ? null : BigInt(v as number | bigint))), new Uint64()); break;
        case 'float64': children[c.name] = vectorFromArray(vals.map((v) => (v === null ? null : Number(v))), new Float64()); break;
        case 'boolean': children[c.name] = vectorFromArray(vals.map((v) => (v === null ? null : Boolean(v))), new Bool()); break;
        case 'string': children[c.name] = vectorFromArray(vals.map((v) => (v === null ? null : String(v))), new Utf8()); break;
      }
    }
    if (rows.length === 0) return [];
    return new Table(children).batches;
  }
}

function convert(v: unknown, type: string): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'timestamp':
      if (typeof v === 'string') return parseTimestampNs(v);
      return typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
    case 'int64': case 'uint64': {
      // stored 64-bit ints stay exact (a double would round values beyond 2^53)
      if (typeof v === 'bigint') return v;
      if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
      const n = Number(v);
      return Number.isFinite(n) ? BigInt(Math.trunc(n)) : null;
    }
    case 'float64': { if (typeof v === 'number') return v; const n = Number(v); return Number.isNaN(n) ? null : n; }
    case 'boolean': return typeof v === 'string' ? v === 'true' : Boolean(v);
    default: return typeof v === 'bigint' ? v.toString() : String(v);
  }
}
