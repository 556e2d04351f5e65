// The node's QueryContext: the SQL executor's view of the catalog, the regions (scans, writes) and DDL side effects.
import type { RecordBatch } from 'apache-arrow';
import { DatabaseNotFoundError, type TableSchema, type WriteBatch } from '../../core/index.ts';
import type { QueryContext, RegionPeer, ScanSpec } from '../../core/query/index.ts';
import type { Catalog } from '../catalog.ts';
import type { Supervisor } from '../supervisor.ts';
import type { WritePath } from './write.ts';
import type { Clock } from '../../core/index.ts';

export interface QueryDeps {
  catalog: Catalog;
  supervisor: Supervisor;
  writes: WritePath;
  clock: Clock;
  /** This node's id and address, reported by information_schema.region_peers (standalone: every region is here). */
  nodeId?: number;
  peerAddr?: string;
}

export function makeQueryContext(deps: QueryDeps, db: string): QueryContext {
  const { catalog, supervisor, writes, clock } = deps;
  const ctx: QueryContext = {
    db,
    now: () => clock.now(),
    listDatabases: () => catalog.listDatabases(),
    createDatabase: (name, ifNotExists) => catalog.createDatabase(name, ifNotExists),
    async dropDatabase(name, ifExists) {
      if (!(await catalog.getDatabase(name))) {
        if (ifExists) return false;
        throw new DatabaseNotFoundError(name);
      }
      for (const t of await catalog.listTables(name)) {
        const s = await catalog.getTable(name, t);
        if (s) await supervisor.dropTable(s);
      }
      await catalog.dropDatabase(name);
      return true;
    },
    listTables: (d) => catalog.listTables(d),
    getTable: (d, name) => catalog.getTable(d, name),
    async createTable(draft, ifNotExists) {
      const r = await catalog.createTable(draft, ifNotExists);
      for (let n = 0; n < r.schema.regions; n++) await supervisor.region(r.schema, n);
      return r;
    },
    async alterTable(d, name, change) {
      const next = await catalog.alterTable(d, name, change);
      for (let n = 0; n < next.regions; n++) await supervisor.region(next, n);
      return next;
    },
    async dropTable(d, name, ifExists) {
      const s = await catalog.getTable(d, name);
      if (!s) {
        if (ifExists) return false;
        return false;
      }
      await supervisor.dropTable(s);
      await catalog.dropTable(d, name);
      return true;
    },
    async truncateTable(d, name) {
      const s = await catalog.requireTable(d, name);
      for (let n = 0; n < s.regions; n++) await (await supervisor.region(s, n)).truncate();
    },
    async scan(schema: TableSchema, spec: ScanSpec): Promise<RecordBatch[]> {
      const out: RecordBatch[] = [];
      for (let n = 0; n < schema.regions; n++) {
        const host = await supervisor.region(schema, n);
        out.push(...(await host.scan(spec)));
      }
      return out;
    },
    async write(d: string, batch: WriteBatch): Promise<number> {
      return writes.write(d, [batch]);
    },
    async delete(d: string, batch: WriteBatch): Promise<number> {
      const s = await catalog.requireTable(d, batch.table);
      let n = 0;
      for (let r = 0; r < s.regions; r++) n += await (await supervisor.region(s, r)).delete(batch);
      return n;
    },
    useDatabase(name: string) {
      ctx.db = name;
    },
    async flushTable(s: TableSchema) {
      for (let n = 0; n < s.regions; n++) await (await supervisor.region(s, n)).flush();
    },
    async compactTable(s: TableSchema) {
      for (let n = 0; n < s.regions; n++) await (await supervisor.region(s, n)).compact();
    },
    async regionPeers() {
      const out = new Map<string, RegionPeer>();
      for (const host of supervisor.all()) {
        out.set(host.regionId, { peerId: deps.nodeId ?? 0, peerAddr: deps.peerAddr ?? '', isLeader: true, status: 'ALIVE', downSeconds: null });
      }
      return out;
    },
  };
  return ctx;
}
