// Prometheus remote write's fast path: a request becomes one batch of its physical metric table (all metrics at once),
// its series known across requests, so a steady scrape costs a hash lookup per series and one region write per region.
import {
  InvalidArgumentError, isPhysical, logicalDraftFromBatch, partitionBatch, physicalOf, withColumns,
  defaultPhysicalDraft, withPhysicalTags,
  type Clock, type TableSchema, type WriteBatch,
} from '../../core/index.ts';
import { uncompressSync } from 'snappy';
import { snappyDecode, snappyDecodedLength, MAX_SNAPPY_DECODED } from '../../core/codec/prometheus/snappy.ts';
import { PromSeriesTable, type DecodedWrite } from '../../core/codec/prometheus/series_table.ts';
import { PhysicalBatchBuilder } from '../../core/codec/prometheus/physical_batch.ts';
import { PROM_TIME_COLUMN, PROM_VALUE_COLUMN } from '../../core/codec/prometheus/remote_write.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { RegionRouter } from '../region/router.ts';
import type { MetricTables } from './metric_tables.ts';

/** What a request needs before it can be written: its physical table and every metric's logical table, with all its labels as tags. */
export interface PromPrepared {
  phy: TableSchema;
  batch: WriteBatch;
}

/** Thrown inside: the request is not for the fast path (a metric names a table that is not a logical table of this physical one). */
export class NotFastPath extends Error {}

export class PromWriter {
  private readonly series = new PromSeriesTable();
  private readonly builder = new PhysicalBatchBuilder(this.series);
  /** Per db/physical: logical schema by metric string id, and per series the schema it was checked against. */
  private readonly targets = new Map<string, { gen: number; schemas: (TableSchema | null)[]; checked: (TableSchema | undefined)[] }>();
  private readonly recorded = new WeakMap<TableSchema, TableSchema>();

  constructor(private readonly catalog: Catalog, private readonly router: RegionRouter, private readonly metric: MetricTables, private readonly clock: Clock) {}

  /** Decompresses and reads a request (pure: nothing is created or written); throws a 400-class error on bad input. */
  decode(data: Uint8Array): DecodedWrite {
    return this.series.decode(snappyNative(data));
  }

  /**
   * Creates what the request needs (tables, tags) and builds its physical batch. Runs inside the write path's
   * ordering chain. Throws NotFastPath when a metric's table is not a logical table of `phyName` (the general path
   * then handles the request, with its errors).
   */
  async prepare(db: string, phyName: string, dec: DecodedWrite): Promise<PromPrepared> {
    let phy = await this.catalog.getTable(db, phyName);
    if (!phy) phy = (await this.catalog.createTable(defaultPhysicalDraft(db, phyName, this.clock.now()), true)).schema;
    if (!isPhysical(phy)) throw new InvalidArgumentError(`table ${db}.${phyName} is not a physical metric table`);
    if (phy.timeIndex !== PROM_TIME_COLUMN || !phy.columns.some((c) => c.name === PROM_VALUE_COLUMN && c.type === 'float64' && c.semantic === 'field')) throw new NotFastPath();
    const key = `${db}\u0000${phyName}`;
    let tg = this.targets.get(key);
    if (!tg || tg.gen !== this.series.generation) this.targets.set(key, (tg = { gen: this.series.generation, schemas: [], checked: [] }));
    const tb = this.series;
    const metrics = this.builder.metricsOf(dec);
    // known metrics from the catalog's cache (no await per metric); the others are created together (each its own
    // catalog key), or found by the failed create when they exist but were not cached
    const schemas: (TableSchema | undefined)[] = metrics.map((m) => this.catalog.cachedTable(db, tb.strings[m]!));
    const missing = metrics.map((m, i) => (schemas[i] ? -1 : i)).filter((i) => i >= 0);
    if (missing.length) {
      const made = await Promise.all(missing.map((i) => this.createLogical(db, phy!, dec, metrics[i]!)));
      missing.forEach((i, k) => { schemas[i] = made[k]!; });
    }
    for (let i = 0; i < metrics.length; i++) {
      const s = schemas[i]!;
      if (physicalOf(s) !== phyName || s.timeIndex !== PROM_TIME_COLUMN) throw new NotFastPath();
      tg.schemas[metrics[i]!] = s;
    }
    // every series' labels must be tags of its logical table: checked once per (series, schema object)
    const { checked, schemas: bySchema } = tg;
    let need: Map<number, Set<number>> | null = null;
    for (let i = 0; i < dec.count; i++) {
      const sid = dec.sid[i]!;
      const m = tb.metric[sid]!;
      const s = bySchema[m]!;
      if (checked[sid] === s || dec.sampleStart[i + 1] === dec.sampleStart[i]) continue;
      const tags = tagSet(s);
      let ok = true;
      for (let p = tb.pairStart[sid]!; p < tb.pairStart[sid + 1]!; p++) {
        const name = tb.pairName[tb.seriesPairs[p]!]!;
        if (!tags.has(tb.strings[name]!)) { ok = false; ((need ??= new Map()).get(m) ?? need.set(m, new Set()).get(m)!).add(name); }
      }
      if (ok) checked[sid] = s;
    }
    if (need) {
      for (const [m, names] of need) {
        const s = bySchema[m]!;
        const add = [...names].map((n) => tb.strings[n]!).filter((n) => !tagSet(s).has(n));
        for (const n of add) if (phy.columns.some((c) => c.name === n && c.semantic !== 'tag')) throw new NotFastPath();
        bySchema[m] = await this.catalog.alterTable(db, s.name, (cur) => {
          const have = tagSet(cur);
          const cols = add.filter((n) => !have.has(n)).map((name) => ({ name, type: 'string' as const, semantic: 'tag' as const, nullable: true }));
          return withColumns(cur, cols);
        });
      }
      // checked again on the next request against the new schema objects
    }
    // the physical table records every logical table's tags before rows with them reach its regions
    // (one catalog change for all the request's new tags, not one per metric)
    const fresh = metrics.map((m) => bySchema[m]!).filter((s) => this.recorded.get(s) !== phy);
    if (fresh.length) {
      const tags = [...new Set(fresh.flatMap((s) => s.primaryKey))];
      if (withPhysicalTags(phy, tags) !== phy) phy = await this.metric.recordTags(db, phyName, tags);
      for (const s of fresh) this.recorded.set(s, phy);
    }
    const batch = this.builder.build(dec, phy.name, (m) => String(bySchema[m]!.id));
    return { phy, batch };
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

  private async createLogical(db: string, phy: TableSchema, dec: DecodedWrite, metric: number): Promise<TableSchema> {
    const tb = this.series;
    const names = this.builder.labelNamesOf(dec, metric).map((n) => tb.strings[n]!);
    for (const n of names) if (phy.columns.some((c) => c.name === n && c.semantic !== 'tag')) throw new NotFastPath();
    // the draft only reads the batch's column names and kinds
    const shape: WriteBatch = {
      table: tb.strings[metric]!, rows: 0,
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

/**
 * A snappy block through the native decoder (several times the JS decoder's speed; decompression was ~7% of the node's
 * time under remote-write load). The JS decoder checks the announced length first (no allocation sized by a client)
 * and, when the native one refuses a block, says which byte is wrong.
 */
export function snappyNative(data: Uint8Array): Uint8Array {
  const len = snappyDecodedLength(data);
  if (len > MAX_SNAPPY_DECODED || len > data.length * 22 + 64) return snappyDecode(data);
  let out: Uint8Array;
  try {
    out = uncompressSync(data) as Buffer;
  } catch {
    return snappyDecode(data);
  }
  // the native decoder accepts nothing the JS one refuses but for trailing garbage: the lengths must agree
  if (out.length !== len) return snappyDecode(data);
  return out;
}
