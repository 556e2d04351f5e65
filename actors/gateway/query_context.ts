// The node's QueryContext: the SQL executor's view of the catalog, the regions (scans, writes) and DDL side effects.
import type { RecordBatch } from 'apache-arrow';
import { DatabaseNotFoundError, isPhysical, partitionBatch, physicalOf, regionsForFilter, type TableSchema, type WriteBatch } from '../../core/index.ts';
import type { IndexStatusRow, ProcessList, QueryContext, RegionPeer, RegionStat, ScanSpec } from '../../core/query/index.ts';
import { viewOf } from '../../core/query/statements/view.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Supervisor } from '../region/supervisor.ts';
import type { RegionRouter } from '../region/router.ts';
import type { WritePath } from './write.ts';
import type { Clock } from '../../core/index.ts';
import { mergeRegionScans } from '../../core/query/plan/scan_merge.ts';
import { readIndexReport, withIndexReport, withoutReportOnly } from '../../core/index.ts';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** COPY's files: paths on this node (a relative one from the node's working directory), parent folders made. */
const nodeFiles: NonNullable<QueryContext['files']> = {
  read: async (path) => new Uint8Array(await readFile(resolve(path))),
  async write(path, data) {
    const p = resolve(path);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, data);
  },
  list: async (dir) => (await readdir(resolve(dir), { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort(),
};

export interface QueryDeps {
  catalog: Catalog;
  supervisor: Supervisor;
  router: RegionRouter;
  writes: WritePath;
  clock: Clock;
  /** This node's id and address, reported by information_schema.region_peers (standalone: every region is here). */
  nodeId?: number;
  peerAddr?: string;
  /** Cluster: where regions live (routes and registry) and which nodes are up; replaces the standalone answers. */
  regionPeers?: () => Promise<Map<string, RegionPeer>>;
  clusterInfo?: QueryContext['clusterInfo'];
  /** The frontend's running statements, shared by every context it makes (process_list, KILL). */
  processes?: ProcessList;
  /** Cluster: ADMIN migrate_region / procedure_state / rebalance / drain_node and their information_schema tables. */
  procedures?: QueryContext['procedures'];
  /** Cluster: the meta leader places a new table's regions; called after a table is created or dropped. */
  kick?: () => void;
  /** information_schema.index_advice: the node's smart index. */
  indexAdvice?: QueryContext['indexAdvice'];
  /** greptime_private.pipelines: the node's pipeline store. */
  pipelines?: QueryContext['pipelines'];
  /** information_schema.runtime_metrics: the node's memory budget and use. */
  runtimeMetrics?: QueryContext['runtimeMetrics'];
}

/** Runs fn for regions 0..n-1 at once. */
function eachRegion<T>(n: number, fn: (r: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, r) => fn(r)));
}

export function makeQueryContext(deps: QueryDeps, db: string): QueryContext {
  const { catalog, supervisor, router, writes, clock } = deps;
  const clustered = router.cluster !== null;
  // logical metric tables have no region: their rows live in their physical table's (actors/gateway/metric_tables.ts)
  const metric = writes.metric;
  const isLogical = (s: TableSchema) => physicalOf(s) !== undefined;
  const physicalOr = async (s: TableSchema) => (isLogical(s) ? metric.physicalFor(s) : s);
  const dropRegions = async (s: TableSchema) => {
    if (clustered) await eachRegion(s.regions, (n) => router.drop(s, n));
    else await supervisor.dropTable(s);
  };
  /** Every table that has regions, with each region's stats (null where a region did not answer). */
  const regionStatsOfTables = async () => {
    const out: { db: string; table: string; schema: TableSchema; per: unknown[] }[] = [];
    for (const d of await catalog.listDatabases()) {
      for (const t of await catalog.listTables(d)) {
        const s = await catalog.getTable(d, t);
        if (!s || isLogical(s) || viewOf(s)) continue;
        out.push({ db: d, table: t, schema: s, per: await Promise.all(Array.from({ length: s.regions }, (_, n) => router.stats(s, n).catch(() => null))) });
      }
    }
    return out;
  };
  const ctx: QueryContext = {
    db,
    now: () => clock.now(),
    listDatabases: () => catalog.listDatabases(),
    createDatabase: (name, ifNotExists, options) => catalog.createDatabase(name, ifNotExists, options && Object.keys(options).length ? options : undefined),
    databaseOptions: async (name) => { const d = await catalog.getDatabase(name); return d ? { ...(d.options ?? {}) } : null; },
    alterDatabase: async (name, change) => { await catalog.alterDatabase(name, change); },
    async dropDatabase(name, ifExists) {
      if (!(await catalog.getDatabase(name))) {
        if (ifExists) return false;
        throw new DatabaseNotFoundError(name);
      }
      for (const t of await catalog.listTables(name)) {
        const s = await catalog.getTable(name, t);
        if (s) await dropRegions(s);
      }
      await catalog.dropDatabase(name);
      deps.kick?.();
      return true;
    },
    listTables: (d) => catalog.listTables(d),
    getTable: (d, name) => catalog.getTable(d, name),
    async createTable(draft, ifNotExists) {
      const r = await catalog.createTable(draft, ifNotExists);
      if (isLogical(r.schema)) {
        await metric.recordTags(r.schema.db, physicalOf(r.schema)!, r.schema.primaryKey);
        return r;
      }
      // In a cluster the meta leader places the regions; answer once each has a route, so a write right after CREATE works.
      if (clustered) await router.waitRouted(r.schema);
      else for (let n = 0; n < r.schema.regions; n++) await supervisor.region(r.schema, n);
      return r;
    },
    async alterTable(d, name, change) {
      const next = await catalog.alterTable(d, name, change);
      if (isLogical(next)) await metric.recordTags(next.db, physicalOf(next)!, next.primaryKey);
      await eachRegion(next.regions, (n) => router.prepare(next, n));
      return next;
    },
    async dropTable(d, name, ifExists) {
      const s = await catalog.getTable(d, name);
      if (!s) {
        if (ifExists) return false;
        return false;
      }
      await dropRegions(s);
      await catalog.dropTable(d, name);
      deps.kick?.();
      return true;
    },
    async truncateTable(d, name) {
      const s = await catalog.requireTable(d, name);
      if (isLogical(s)) return metric.truncate(s);
      await eachRegion(s.regions, (n) => router.truncate(s, n));
    },
    partialAggregate: (schema, sql) => eachRegion(schema.regions, (n) => router.aggregate(schema, n, sql)),
    async scan(schema: TableSchema, spec: ScanSpec): Promise<RecordBatch[]> {
      if (isLogical(schema)) return metric.scan(schema, spec);
      if (schema.regions === 1) return router.scan(schema, 0, spec);
      // Regions whose partition rule no filtered tag value satisfies hold none of the rows asked for.
      const wanted = regionsForFilter(schema.partition, schema.regions, spec.tagFilter);
      if (wanted.length === 1) return router.scan(schema, wanted[0]!, spec);
      const per = await Promise.all(wanted.map((n) => router.scan(schema, n, spec)));
      const report = spec.analyze ? readIndexReport(per.flat()) : null;
      const merged = mergeRegionScans(schema, per.map(withoutReportOnly));
      return report ? withIndexReport(merged, report) : merged;
    },
    async write(d: string, batch: WriteBatch): Promise<number> {
      return writes.write(d, [batch]);
    },
    async delete(d: string, batch: WriteBatch): Promise<number> {
      const s = await catalog.requireTable(d, batch.table);
      if (isLogical(s)) return metric.delete(s, batch);
      if (s.regions === 1) return router.delete(s, 0, batch);
      // Keys go to the region their partition values pick; without those values, every region is asked.
      let parts: (WriteBatch | null)[] | null = null;
      if (s.partition && s.partition.columns.every((c) => batch.columns.some((x) => x.name === c))) {
        try {
          parts = partitionBatch(s.partition, s.regions, batch);
        } catch {
          parts = null;
        }
      }
      if (parts) return (await Promise.all(parts.map((p, r) => (p ? router.delete(s, r, p) : 0)))).reduce((a, b) => a + b, 0);
      await eachRegion(s.regions, (r) => router.delete(s, r, batch));
      return batch.rows;
    },
    useDatabase(name: string) {
      ctx.db = name;
    },
    async flushTable(t: TableSchema) {
      const s = await physicalOr(t);
      await eachRegion(s.regions, (n) => router.flush(s, n));
    },
    async compactTable(t: TableSchema) {
      const s = await physicalOr(t);
      await eachRegion(s.regions, (n) => router.compact(s, n));
    },
    async indexStatus() {
      const out: IndexStatusRow[] = [];
      for (const { db: d, table: t, per } of await regionStatsOfTables()) {
        for (const st of per) {
          for (const ix of ((st as { indexes?: IndexStatusRow[] } | null)?.indexes ?? [])) {
            let row = out.find((r) => r.db === d && r.table === t && r.kind === ix.kind && r.column === ix.column);
            if (!row) { row = { db: d, table: t, kind: ix.kind, column: ix.column, state: 'ready', regions: 0, segments: 0, segmentsCovered: 0, rowsCovered: 0, bytes: 0, lastError: null }; out.push(row); }
            row.regions++;
            row.segments += ix.segments; row.segmentsCovered += ix.segmentsCovered; row.rowsCovered += ix.rowsCovered; row.bytes += ix.bytes;
            if (ix.state !== 'ready') row.state = 'building';
            row.lastError ??= ix.lastError;
          }
        }
      }
      return out;
    },
    async regionPeers() {
      if (deps.regionPeers) return deps.regionPeers();
      const out = new Map<string, RegionPeer>();
      for (const host of supervisor.all()) {
        out.set(host.regionId, { peerId: deps.nodeId ?? 0, peerAddr: deps.peerAddr ?? '', isLeader: true, status: 'ALIVE', downSeconds: null });
      }
      return out;
    },
    async regionStats() {
      const out: RegionStat[] = [];
      for (const { schema: s, per } of await regionStatsOfTables()) {
        for (const st of per) {
          const r = st as { regionId?: string; memRows?: number; memBytes?: number; segments?: number; segmentRows?: number; diskBytes?: number } | null;
          if (!r?.regionId) continue;
          out.push({ regionId: r.regionId, rows: (r.memRows ?? 0) + (r.segmentRows ?? 0), writtenBytes: 0, memtableBytes: r.memBytes ?? 0,
            diskBytes: r.diskBytes ?? 0, sstNum: r.segments ?? 0, indexBytes: 0, engine: isPhysical(s) ? 'metric' : 'mito' });
        }
      }
      return out;
    },
    ...(deps.clusterInfo ? { clusterInfo: deps.clusterInfo } : {}),
    ...(deps.processes ? { processes: deps.processes } : {}),
    ...(deps.procedures ? { procedures: deps.procedures } : {}),
    ...(deps.indexAdvice ? { indexAdvice: deps.indexAdvice } : {}),
    ...(deps.pipelines ? { pipelines: deps.pipelines } : {}),
    ...(deps.runtimeMetrics ? { runtimeMetrics: deps.runtimeMetrics } : {}),
    files: nodeFiles,
  };
  return ctx;
}
