// The metric engine on a node: logical tables read, write and delete through their physical table's regions.
import { RecordBatch, Schema, Field, makeData, Struct } from 'apache-arrow';
import {
  TableNotFoundError, defaultPhysicalDraft, isPhysical, logicalDraftFromBatch, logicalName, physicalOf,
  regionsForFilter, toPhysicalBatch, toPhysicalScan, withPhysicalTags,
  type Clock, type TableSchema, type WriteBatch,
} from '../../core/index.ts';
import { InvalidArgumentError } from '../../core/index.ts';
import type { ScanSpec } from '../../core/query/index.ts';
import { mergeRegionScans } from '../../core/query/plan/scan_merge.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { RegionRouter } from '../region/router.ts';

export class MetricTables {
  constructor(private readonly catalog: Catalog, private readonly router: RegionRouter, private readonly clock: Clock) {}

  /** The physical table a logical table's rows live in. */
  async physicalFor(logical: TableSchema): Promise<TableSchema> {
    const name = physicalOf(logical)!;
    const phy = await this.catalog.getTable(logical.db, name);
    if (!phy) throw new TableNotFoundError(logical.db, name);
    return phy;
  }

  /**
   * Records tags on the physical table (its regions' key grows at the end) and tells its regions the new schema
   * before any row using them is written. Returns the physical table as it now is.
   */
  async recordTags(db: string, phyName: string, tags: string[]): Promise<TableSchema> {
    const cur = await this.catalog.getTable(db, phyName);
    if (!cur) throw new TableNotFoundError(db, phyName);
    if (withPhysicalTags(cur, tags) === cur) return cur;
    const next = await this.catalog.alterTable(db, phyName, (o) => withPhysicalTags(o, tags));
    await Promise.all(Array.from({ length: next.regions }, (_, n) => this.router.prepare(next, n)));
    return next;
  }

  /** The logical table a write names, created on the physical table (itself created with GreptimeDB's columns) on first use. */
  async logicalForWrite(db: string, batch: WriteBatch, phyName: string): Promise<TableSchema> {
    let phy = await this.catalog.getTable(db, phyName);
    if (!phy) phy = (await this.catalog.createTable(defaultPhysicalDraft(db, phyName, this.clock.now()), true)).schema;
    if (!isPhysical(phy)) throw new InvalidArgumentError(`table ${db}.${phyName} is not a physical metric table`);
    const draft = logicalDraftFromBatch(db, batch, phy, this.clock.now());
    const { schema } = await this.catalog.createTable(draft, true);
    if (physicalOf(schema) !== undefined) await this.recordTags(db, phyName, schema.primaryKey);
    return schema;
  }

  /** A scan of a logical table: the physical regions' rows with its table id, its columns, named as it names them. */
  async scan(logical: TableSchema, spec: ScanSpec): Promise<RecordBatch[]> {
    const phy = await this.physicalFor(logical);
    const pspec = toPhysicalScan(logical, phy, spec);
    const wanted = regionsForFilter(phy.partition, phy.regions, pspec.tagFilter);
    let out: RecordBatch[];
    if (wanted.length === 1) out = await this.router.scan(phy, wanted[0]!, pspec);
    else out = mergeRegionScans(phy, await Promise.all(wanted.map((n) => this.router.scan(phy, n, pspec))));
    return logical.timeIndex === phy.timeIndex ? out : out.map((b) => renameColumns(b, (n) => logicalName(logical, phy, n)));
  }

  /** Deletes rows of a logical table by key (its tags and time index). */
  async delete(logical: TableSchema, batch: WriteBatch): Promise<number> {
    const phy = await this.physicalFor(logical);
    const pb = toPhysicalBatch(logical, phy, batch);
    if (phy.regions === 1) return this.router.delete(phy, 0, pb);
    await Promise.all(Array.from({ length: phy.regions }, (_, n) => this.router.delete(phy, n, pb)));
    return batch.rows;
  }

  /** TRUNCATE of a logical table: tombstones for every key it has (compaction drops rows and tombstones). */
  async truncate(logical: TableSchema): Promise<void> {
    const keys = [...logical.primaryKey, logical.timeIndex];
    const batches = await this.scan(logical, { columns: keys });
    for (const b of batches) {
      if (b.numRows === 0) continue;
      const columns = keys.map((name) => {
        const v = b.getChild(name)!;
        if (name === logical.timeIndex) {
          // raw int64 ns, not get(): Arrow turns timestamps into float milliseconds
          const out = new BigInt64Array(b.numRows);
          let at = 0;
          for (const d of v.data) { out.set((d.values as BigInt64Array).subarray(0, d.length), at); at += d.length; }
          return { name, type: 'timestamp' as const, semantic: 'timestamp' as const, values: out, valid: null };
        }
        const vals: (string | null)[] = new Array(b.numRows);
        for (let i = 0; i < b.numRows; i++) vals[i] = (v.get(i) as string | null) ?? null;
        return { name, type: 'string' as const, semantic: 'tag' as const, values: vals, valid: null };
      });
      await this.delete(logical, { table: logical.name, rows: b.numRows, columns });
    }
  }
}

/** The batch with its columns renamed (the buffers are shared). */
function renameColumns(b: RecordBatch, rename: (n: string) => string): RecordBatch {
  const fields = b.schema.fields.map((f) => new Field(rename(f.name), f.type, f.nullable, f.metadata));
  const schema = new Schema(fields, b.schema.metadata);
  const data = makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children: b.data.children });
  return new RecordBatch(schema, data);
}
