// Prometheus remote write's fast path: a request becomes one batch of its physical metric table (all metrics at once),
// its series known across requests, so a steady scrape costs a hash lookup per series and one region write per region.
import {
  InvalidArgumentError, isPhysical, logicalDraftFromBatch, partitionBatch, physicalOf, withColumns,
  defaultPhysicalDraft, withPhysicalTags,
  type Clock, type TableSchema, type WriteBatch,
} from '../../core/index.ts';
import { RemoteWriteDecoder, type ReadRequest } from '../../core/codec/prometheus/request_decoder.ts';
import { TableIdAssigner, type PromBatch } from '../../core/codec/prometheus/physical_batch.ts';
import { PROM_TIME_COLUMN, PROM_VALUE_COLUMN } from '../../core/codec/prometheus/remote_write.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { RegionRouter } from '../region/router.ts';
import type { MetricTables } from './metric_tables.ts';

/** What a request needs before it can be written: its physical table and its batch, table ids in place. */
export interface PromPrepared {
  phy: TableSchema;
  batch: WriteBatch;
}

/** Thrown inside: the request is not for the fast path (a metric names a table that is not a logical table of this physical one). */
export class NotFastPath extends Error {}

export class PromWriter {
  private readonly decoder = new RemoteWriteDecoder();
  private readonly ids = new TableIdAssigner();
  private readonly recorded = new WeakMap<TableSchema, TableSchema>();

  constructor(
    private readonly catalog: Catalog,
    private readonly router: RegionRouter,
    private readonly metric: MetricTables,
    private readonly clock: Clock,
  ) {}

  /** Decompresses and reads a request (pure: nothing is created or written); throws a 400-class error on bad input. */
  decode(data: Uint8Array): PromBatch {
    return this.decoder.decode(data);
  }

  /** Reads a request to be built later with others (group commit); see RemoteWriteDecoder.read. */
  read(data: Uint8Array, beforeClear: () => void): ReadRequest {
    return this.decoder.read(data, beforeClear);
  }

  /** One batch of the requests read, in order. */
  build(reqs: readonly ReadRequest[]): PromBatch {
    return this.decoder.build(reqs);
  }

  /**
   * Creates what the request needs (tables, tags) and puts the logical table ids in its batch. Runs inside the write
   * path's ordering chain. Throws NotFastPath when a metric's table is not a logical table of `phyName` (the general
   * path then handles the request, with its errors).
   */
  async prepare(db: string, phyName: string, req: PromBatch): Promise<PromPrepared> {
    let phy = await this.catalog.getTable(db, phyName);
    if (!phy) phy = (await this.catalog.createTable(defaultPhysicalDraft(db, phyName, this.clock.now()), true)).schema;
    if (!isPhysical(phy)) throw new InvalidArgumentError(`table ${db}.${phyName} is not a physical metric table`);
    if (phy.timeIndex !== PROM_TIME_COLUMN || !phy.columns.some((c) => c.name === PROM_VALUE_COLUMN && c.type === 'float64' && c.semantic === 'field')) throw new NotFastPath();
    const { metrics, metricTags, batch } = req;
    const nm = metrics.length;
    // label columns of metric m (columns[0] is __table_id; the last two are value and time)
    const tagsOf = (m: number): string[] => {
      const out: string[] = [];
      for (let c = 1; c < batch.columns.length - 2; c++) if (metricTags[c * nm + m]) out.push(batch.columns[c]!.name);
      return out;
    };
    // known metrics from the catalog's cache (no await per metric); the others are created together (each its own
    // catalog key), or found by the failed create when they exist but were not cached
    const schemas: (TableSchema | undefined)[] = metrics.map((m) => this.catalog.cachedTable(db, m));
    const missing: number[] = [];
    for (let m = 0; m < nm; m++) if (!schemas[m]) missing.push(m);
    if (missing.length) {
      const made = await Promise.all(missing.map((m) => this.createLogical(db, phy!, metrics[m]!, tagsOf(m))));
      missing.forEach((m, k) => { schemas[m] = made[k]!; });
    }
    // every label of a metric's series must be a tag of its logical table
    for (let m = 0; m < nm; m++) {
      let s = schemas[m]!;
      if (physicalOf(s) !== phyName || s.timeIndex !== PROM_TIME_COLUMN) throw new NotFastPath();
      const tags = tagSet(s);
      let add: string[] | null = null;
      for (let c = 1; c < batch.columns.length - 2; c++) {
        if (metricTags[c * nm + m] && !tags.has(batch.columns[c]!.name)) (add ??= []).push(batch.columns[c]!.name);
      }
      if (add === null) continue;
      for (const n of add) if (phy.columns.some((c) => c.name === n && c.semantic !== 'tag')) throw new NotFastPath();
      s = await this.catalog.alterTable(db, s.name, (cur) => {
        const have = tagSet(cur);
        return withColumns(cur, add!.filter((n) => !have.has(n)).map((name) => ({ name, type: 'string' as const, semantic: 'tag' as const, nullable: true })));
      });
      schemas[m] = s;
    }
    // the physical table records every logical table's tags before rows with them reach its regions
    // (one catalog change for all the request's new tags, not one per metric)
    const fresh = (schemas as TableSchema[]).filter((s) => this.recorded.get(s) !== phy);
    if (fresh.length) {
      const tags = [...new Set(fresh.flatMap((s) => s.primaryKey))];
      if (withPhysicalTags(phy, tags) !== phy) phy = await this.metric.recordTags(db, phyName, tags);
      for (const s of fresh) this.recorded.set(s, phy);
    }
    // table ids in place of the metric names
    const batch2 = this.ids.assign(`${db}\u0000${phyName}`, req, phy.name, (m) => String(schemas[m]!.id));
    return { phy, batch: batch2 };
  }

  /** Issues the region writes (the caller's ordering chain waits for them to be issued, not done). */
  async submit(phy: TableSchema, batch: WriteBatch, sourceId?: string): Promise<{ done: Promise<number> }> {
    // a row without the physical table's partition values (a null tag) goes to its first region, as in GreptimeDB
    const parts = partitionBatch(phy.partition, phy.regions, batch, 0);
    const targets: number[] = [];
    for (let n = 0; n < parts.length; n++) if (parts[n]) targets.push(n);
    await Promise.all(targets.map((n) => this.router.prepare(phy, n)));
    const pending = targets.map((n) => this.router.write(phy, n, [parts[n]!], sourceId));
    return { done: Promise.all(pending).then((c) => c.reduce((a, b) => a + b, 0)) };
  }

  private async createLogical(db: string, phy: TableSchema, metric: string, names: string[]): Promise<TableSchema> {
    for (const n of names) if (phy.columns.some((c) => c.name === n && c.semantic !== 'tag')) throw new NotFastPath();
    // the draft only reads the batch's column names and kinds
    const shape: WriteBatch = {
      table: metric, rows: 0,
      columns: [
        ...names.map((name) => ({ name, type: 'string' as const, semantic: 'tag' as const, values: [] as string[], valid: null })),
        { name: PROM_VALUE_COLUMN, type: 'float64', semantic: 'field', values: new Float64Array(0), valid: null },
        { name: PROM_TIME_COLUMN, type: 'timestamp', semantic: 'timestamp', values: new BigInt64Array(0), valid: null },
      ],
    };
    const { schema } = await this.catalog.createTable(logicalDraftFromBatch(db, shape, phy, this.clock.now()), true);
    return schema;
  }
}

const tagSets = new WeakMap<TableSchema, Set<string>>();
function tagSet(s: TableSchema): Set<string> {
  let t = tagSets.get(s);
  if (!t) { t = new Set(s.primaryKey); tagSets.set(s, t); }
  return t;
}
