// The metric engine's storage model: the physical region schema and the rewriting of logical batches and scans.
import { describe, expect, it } from 'vitest';
import {
  PHYSICAL_TAGS_KEY, TABLE_ID_COLUMN, defaultPhysicalDraft, fromPhysicalBatch, logicalDraftFromBatch, regionSchema, toPhysicalBatch,
  toPhysicalScan, withPhysicalTags, type TableSchema, type WriteBatch,
} from '../../core/index.ts';

const phy: TableSchema = { ...defaultPhysicalDraft('public', 'phy', 0), id: 7 };

function batch(table: string, tags: Record<string, (string | null)[]>, ts: bigint[], v: number[]): WriteBatch {
  return {
    table, rows: ts.length,
    columns: [
      ...Object.entries(tags).map(([name, values]) => ({ name, type: 'string' as const, semantic: 'tag' as const, values, valid: null })),
      { name: 'greptime_timestamp', type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from(ts), valid: null },
      { name: 'greptime_value', type: 'float64', semantic: 'field', values: Float64Array.from(v), valid: null },
    ],
  };
}

describe('metric engine storage model', () => {
  it('a physical region keys rows by __table_id first, then its tags in the order they were added', () => {
    expect(regionSchema(phy).primaryKey).toEqual([TABLE_ID_COLUMN]);
    const p1 = withPhysicalTags(phy, ['job', 'host']);
    expect(p1.version).toBe(phy.version + 1);
    const p2 = withPhysicalTags(p1, ['host', 'az', 'job']);
    expect(p2.options.extra?.[PHYSICAL_TAGS_KEY]).toBe('job,host,az');
    // nothing new: the same object, so no catalog write and no region schema change
    expect(withPhysicalTags(p2, ['az'])).toBe(p2);
    const rs = regionSchema(p2);
    expect(rs.primaryKey).toEqual([TABLE_ID_COLUMN, 'job', 'host', 'az']);
    expect(rs.columns.map((c) => c.name)).toEqual([TABLE_ID_COLUMN, 'greptime_timestamp', 'greptime_value', 'job', 'host', 'az']);
    expect(rs.version).toBe(p2.version);
    // idempotent (the supervisor and the router both apply it) and the physical table's own columns are not repeated
    expect(regionSchema(rs)).toBe(rs);
    expect(regionSchema(withPhysicalTags(p2, ['greptime_value']))).toBe(regionSchema(p2));
    // a plain table is its own region schema
    const plain = { ...phy, options: {} };
    expect(regionSchema(plain)).toBe(plain);
  });

  it('a logical batch becomes a physical batch with its table id and no column for other tables\' tags', () => {
    const logical: TableSchema = { ...logicalDraftFromBatch('public', batch('cpu', { host: ['a'] }, [1n], [1]), phy, 0), id: 42 };
    const b = batch('cpu', { host: ['a', null, 'b'] }, [1n, 2n, 3n], [1, 2, 3]);
    const out = toPhysicalBatch(logical, phy, b);
    expect(out.table).toBe('phy');
    expect(out.rows).toBe(3);
    const id = out.columns[0]!;
    expect(id.name).toBe(TABLE_ID_COLUMN);
    expect(id.dict).toEqual(['42']);
    expect([...(id.values as Int32Array)]).toEqual([0, 0, 0]);
    expect(out.columns.slice(1).map((c) => c.name)).toEqual(['host', 'greptime_timestamp', 'greptime_value']);
    // the column arrays are shared, not copied
    expect(out.columns[1]!.values).toBe(b.columns[0]!.values);
  });

  it('a physical batch narrows back to one logical table\'s rows and columns (a flow reading the WAL)', () => {
    const mk = (id: number, tags: Record<string, (string | null)[]>, v: number[]) => {
      const logical: TableSchema = { ...logicalDraftFromBatch('public', batch(`m${id}`, tags, [1n], [1]), phy, 0), id };
      return { logical, b: toPhysicalBatch(logical, phy, batch(`m${id}`, tags, v.map((_, i) => BigInt(i)), v)) };
    };
    const a = mk(1, { host: ['x', 'y'] }, [1, 2]);
    const b = mk(2, { job: ['j'] }, [3]);
    // one WAL record holding both tables' rows, the way the region's batches are merged (plain strings, other tags absent)
    const mixed: WriteBatch = {
      table: 'phy', rows: 3,
      columns: [
        { name: TABLE_ID_COLUMN, type: 'string', semantic: 'tag', values: ['1', '2', '1'], valid: null },
        { name: 'host', type: 'string', semantic: 'tag', values: ['x', null, 'y'], valid: null },
        { name: 'job', type: 'string', semantic: 'tag', values: [null, 'j', null], valid: null },
        { name: 'greptime_timestamp', type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from([0n, 0n, 1n]), valid: null },
        { name: 'greptime_value', type: 'float64', semantic: 'field', values: Float64Array.from([1, 3, 2]), valid: null },
      ],
    };
    const ra = fromPhysicalBatch(a.logical, phy, mixed)!;
    expect(ra.table).toBe('m1');
    expect(ra.columns.map((c) => c.name)).toEqual(['host', 'greptime_timestamp', 'greptime_value']);
    expect(ra.columns[0]!.values).toEqual(['x', 'y']);
    expect([...(ra.columns[2]!.values as Float64Array)]).toEqual([1, 2]);
    const rb = fromPhysicalBatch(b.logical, phy, mixed)!;
    expect(rb.columns.map((c) => c.name)).toEqual(['job', 'greptime_timestamp', 'greptime_value']);
    expect(rb.rows).toBe(1);
    // a batch of the table alone (dictionary __table_id) is passed whole; another table's batch gives nothing
    expect(fromPhysicalBatch(a.logical, phy, a.b)!.rows).toBe(2);
    expect(fromPhysicalBatch(b.logical, phy, a.b)).toBeNull();
  });

  it('a logical time index named differently is renamed to the physical one, in batches and scans', () => {
    const logical: TableSchema = {
      ...phy, id: 9, name: 'm', regions: 0, timeIndex: 't',
      columns: [{ name: 'host', type: 'string', semantic: 'tag', nullable: true }, { name: 't', type: 'timestamp', unit: 'ms', semantic: 'timestamp', nullable: false }, { name: 'greptime_value', type: 'float64', semantic: 'field', nullable: true }],
      primaryKey: ['host'], options: { extra: { on_physical_table: 'phy' } },
    };
    const b: WriteBatch = { table: 'm', rows: 1, columns: [{ name: 't', type: 'timestamp', semantic: 'timestamp', values: BigInt64Array.from([5n]), valid: null }] };
    expect(toPhysicalBatch(logical, phy, b).columns.map((c) => c.name)).toEqual([TABLE_ID_COLUMN, 'greptime_timestamp']);
    const spec = toPhysicalScan(logical, phy, { columns: ['t', 'host'], tagFilter: { host: ['a'] }, start: 1n });
    expect(spec).toEqual({ columns: ['greptime_timestamp', 'host'], tagFilter: { host: ['a'], [TABLE_ID_COLUMN]: ['9'] }, start: 1n });
    // no projection asked: the logical table's columns only, never the union of every logical table's tags
    expect(toPhysicalScan(logical, phy, {} as { columns?: string[] }).columns).toEqual(['host', 'greptime_timestamp', 'greptime_value']);
  });

  it('a table made by a write takes the physical time index and field types; unknown fields and __table_id are refused', () => {
    const d = logicalDraftFromBatch('public', batch('up', { job: ['x'], instance: ['i'] }, [1n], [1]), phy, 5);
    expect(d.columns.map((c) => c.name)).toEqual(['instance', 'job', 'greptime_timestamp', 'greptime_value']);
    expect(d.primaryKey).toEqual(['instance', 'job']);
    expect(d.regions).toBe(0);
    expect(d.options.extra).toEqual({ on_physical_table: 'phy' });
    expect(d.columns.find((c) => c.name === 'greptime_timestamp')!.unit).toBe('ms');
    const extraField = batch('up', {}, [1n], [1]);
    extraField.columns.push({ name: 'other', type: 'float64', semantic: 'field', values: new Float64Array(1), valid: null });
    expect(() => logicalDraftFromBatch('public', extraField, phy, 0)).toThrow(/field 'other'/);
    expect(() => logicalDraftFromBatch('public', batch('up', { [TABLE_ID_COLUMN]: ['1'] }, [1n], [1]), phy, 0)).toThrow(/reserved/);
    expect(() => withPhysicalTags(phy, ['a,b'])).toThrow(/','/);
  });
});
