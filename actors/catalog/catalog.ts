// The catalog: databases and table schemas persisted in JetStream KV, cached in memory, changed by compare-and-set.
import type { KV } from '@nats-io/kv';
import {
  DatabaseNotFoundError, EddyError, StatusCode, TableNotFoundError,
  type Clock, type TableSchema, checkName,
} from '../../core/index.ts';
import { ttlMsOf, withInheritedTtl } from '../../core/query/index.ts';
import { kvGet, kvKeys } from '../runtime/kv_keys.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** KV keys allow only [-/_=.a-zA-Z0-9]; other characters become =XX. */
function keyPart(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, (c) => '=' + Buffer.from(c).toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1='));
}
const dbKey = (db: string) => `db.${keyPart(db)}`;
const tableKey = (db: string, t: string) => `table.${keyPart(db)}.${keyPart(t)}`;
const ID_KEY = 'next_table_id';
const FIRST_TABLE_ID = 1024;
const TABLE_ID_BLOCK = 64;

export interface DatabaseInfo {
  name: string;
  createdAt: number;
  options?: Record<string, string>;
}

export class Catalog {
  private tables = new Map<string, { schema: TableSchema; revision: number }>();
  private dbs = new Map<string, DatabaseInfo>();
  private locks = new Map<string, Promise<unknown>>();
  /** Called after any table schema change (creation, alter, drop) this process made. */
  onTableChange: ((db: string, table: string, schema: TableSchema | null) => void) | null = null;

  constructor(private readonly kv: KV, private readonly clock: Clock) {}

  async init(): Promise<void> {
    if (!(await kvGet(this.kv, dbKey('public')))) {
      await this.createDatabase('public', true);
    }
  }

  /** Runs fn with no other schema change of the same key running in this process. */
  private async serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.locks.set(key, next.catch(() => undefined));
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === next) this.locks.delete(key);
    }
  }

  async getDatabase(db: string): Promise<DatabaseInfo | null> {
    const hit = this.dbs.get(db);
    if (hit) return hit;
    const e = await kvGet(this.kv, dbKey(db));
    if (!e || e.operation !== 'PUT' || e.value.length === 0) return null;
    const info = JSON.parse(dec.decode(e.value)) as DatabaseInfo;
    this.dbs.set(db, info);
    return info;
  }

  async requireDatabase(db: string): Promise<DatabaseInfo> {
    const info = await this.getDatabase(db);
    if (!info) throw new DatabaseNotFoundError(db);
    return info;
  }

  async createDatabase(db: string, ifNotExists = false, options?: Record<string, string>): Promise<boolean> {
    checkName('database', db);
    const info: DatabaseInfo = { name: db, createdAt: this.clock.now(), ...(options ? { options } : {}) };
    try {
      await this.kv.create(dbKey(db), enc.encode(JSON.stringify(info)));
    } catch (e) {
      if (await this.getDatabase(db)) {
        if (ifNotExists) return false;
        throw new EddyError(StatusCode.DatabaseAlreadyExists, `Database already exists: ${db}`);
      }
      throw e;
    }
    this.dbs.set(db, info);
    return true;
  }

  /** Applies change to a database's WITH options and stores them; retries on a concurrent change. */
  async alterDatabase(db: string, change: (o: Record<string, string>) => Record<string, string>): Promise<DatabaseInfo> {
    return this.serialize(dbKey(db), async () => {
      for (;;) {
        const e = await kvGet(this.kv, dbKey(db));
        if (!e || e.operation !== 'PUT' || e.value.length === 0) throw new DatabaseNotFoundError(db);
        const cur = JSON.parse(dec.decode(e.value)) as DatabaseInfo;
        const options = change({ ...(cur.options ?? {}) });
        const next: DatabaseInfo = { ...cur, options };
        try {
          await this.kv.update(dbKey(db), enc.encode(JSON.stringify(next)), e.revision);
          this.dbs.set(db, next);
          return next;
        } catch {
          /* stale revision: read again and retry */
        }
      }
    });
  }

  async listDatabases(): Promise<string[]> {
    const out = new Set<string>();
    for (const k of await kvKeys(this.kv, 'db.*')) {
      const e = await kvGet(this.kv, k);
      if (e && e.operation === 'PUT' && e.value.length) out.add((JSON.parse(dec.decode(e.value)) as DatabaseInfo).name);
    }
    return [...out].sort();
  }

  async dropDatabase(db: string): Promise<TableSchema[]> {
    await this.requireDatabase(db);
    const tables = await this.listTables(db);
    const dropped: TableSchema[] = [];
    for (const t of tables) {
      const s = await this.dropTable(db, t);
      if (s) dropped.push(s);
    }
    await this.kv.delete(dbKey(db));
    this.dbs.delete(db);
    return dropped;
  }

  async getTable(db: string, table: string): Promise<TableSchema | null> {
    const k = tableKey(db, table);
    const hit = this.tables.get(k);
    if (hit) return hit.schema;
    return (await this.loadTable(db, table))?.schema ?? null;
  }

  private async loadTable(db: string, table: string): Promise<{ schema: TableSchema; revision: number } | null> {
    const k = tableKey(db, table);
    const e = await kvGet(this.kv, k);
    if (!e || e.operation !== 'PUT' || e.value.length === 0) {
      this.tables.delete(k);
      return null;
    }
    const v = { schema: JSON.parse(dec.decode(e.value)) as TableSchema, revision: e.revision };
    this.tables.set(k, v);
    this.absent.delete(k);
    return v;
  }

  /** The cached schema, without a KV read on a miss (undefined: not cached, which says nothing of the KV). */
  cachedTable(db: string, table: string): TableSchema | undefined {
    return this.tables.get(tableKey(db, table))?.schema;
  }

  async requireTable(db: string, table: string): Promise<TableSchema> {
    const s = await this.getTable(db, table);
    if (!s) throw new TableNotFoundError(db, table);
    return s;
  }

  async listTables(db: string): Promise<string[]> {
    // The keys come from the stream's subject index (one request); a key whose schema is cached is answered from the
    // cache (kept fresh by this catalog's own writes and, in a cluster, by the KV watch's invalidations), so a listing
    // reads only the keys it has not seen: with thousands of metric tables, one KV read per table per listing was what
    // a Grafana metric-name lookup cost. A key whose last entry is a delete marker is remembered as absent likewise.
    const out = new Set<string>();
    for (const k of await kvKeys(this.kv, `table.${keyPart(db)}.*`)) {
      if (this.absent.has(k)) continue;
      const hit = this.tables.get(k);
      if (hit) { out.add(hit.schema.name); continue; }
      const e = await kvGet(this.kv, k);
      if (e && e.operation === 'PUT' && e.value.length) {
        const schema = JSON.parse(dec.decode(e.value)) as TableSchema;
        this.tables.set(k, { schema, revision: e.revision });
        out.add(schema.name);
      } else if (e) this.absent.add(k);
    }
    return [...out].sort();
  }

  /** Table keys whose last KV entry is a delete marker (forgotten on any change of the key, as cached schemas are). */
  private readonly absent = new Set<string>();

  /** Table ids reserved by this process and not yet used: [next, end). */
  private idPool = { next: 0, end: 0 };
  private idRefill: Promise<void> | null = null;

  /**
   * A table id. Ids are reserved from the shared counter a block at a time (one compare-and-set per TABLE_ID_BLOCK
   * tables, not per table: remote write creates a table per new metric), so ids are unique but not dense: a block
   * left unused when a process stops is skipped.
   */
  private async nextTableId(): Promise<number> {
    for (;;) {
      if (this.idPool.next < this.idPool.end) return this.idPool.next++;
      this.idRefill ??= this.reserveIds(TABLE_ID_BLOCK).then((first) => {
        this.idPool = { next: first, end: first + TABLE_ID_BLOCK };
      }).finally(() => { this.idRefill = null; });
      await this.idRefill;
    }
  }

  private async reserveIds(n: number): Promise<number> {
    for (;;) {
      const e = await kvGet(this.kv, ID_KEY);
      if (!e || e.value.length === 0) {
        try {
          await this.kv.create(ID_KEY, enc.encode(String(FIRST_TABLE_ID + n)));
          return FIRST_TABLE_ID;
        } catch {
          continue;
        }
      }
      const id = Number(dec.decode(e.value));
      try {
        await this.kv.update(ID_KEY, enc.encode(String(id + n)), e.revision);
        return id;
      } catch {
        /* someone else took it: retry */
      }
    }
  }

  /**
   * Creates a table from a schema built without an id. Returns the stored schema and whether it
   * was created by this call (false: it existed and ifNotExists was set).
   */
  async createTable(draft: Omit<TableSchema, 'id'>, ifNotExists: boolean): Promise<{ schema: TableSchema; created: boolean }> {
    checkName('table', draft.name);
    const dbInfo = await this.requireDatabase(draft.db);
    // every way a table is made (SQL, a write's auto-create, the metric engine, the logs engine) keeps rows for the
    // database's TTL when the table has none of its own
    draft = withInheritedTtl(draft, ttlMsOf(dbInfo.options?.ttl));
    return this.serialize(tableKey(draft.db, draft.name), async () => {
      const cached = this.tables.get(tableKey(draft.db, draft.name));
      if (cached) {
        if (ifNotExists) return { schema: cached.schema, created: false };
        throw new EddyError(StatusCode.TableAlreadyExists, `Table already exists: ${draft.db}.${draft.name}`);
      }
      // no read first: the KV create below fails when the key exists (one round trip for a new table, not two)
      const schema: TableSchema = { ...draft, id: await this.nextTableId() };
      try {
        const rev = await this.kv.create(tableKey(draft.db, draft.name), enc.encode(JSON.stringify(schema)));
        this.tables.set(tableKey(draft.db, draft.name), { schema, revision: rev });
        this.absent.delete(tableKey(draft.db, draft.name));
      } catch {
        const now = await this.loadTable(draft.db, draft.name);
        if (now && ifNotExists) return { schema: now.schema, created: false };
        throw new EddyError(StatusCode.TableAlreadyExists, `Table already exists: ${draft.db}.${draft.name}`);
      }
      this.onTableChange?.(schema.db, schema.name, schema);
      return { schema, created: true };
    });
  }

  /** Applies change to the current schema and stores it; retries on a concurrent change. */
  async alterTable(db: string, table: string, change: (s: TableSchema) => TableSchema): Promise<TableSchema> {
    return this.serialize(tableKey(db, table), async () => {
      for (;;) {
        const cur = await this.loadTable(db, table);
        if (!cur) throw new TableNotFoundError(db, table);
        const next = change(cur.schema);
        if (next === cur.schema) return next;
        if (next.name !== table) return this.renameTable(cur.schema, next);
        try {
          const rev = await this.kv.update(tableKey(db, table), enc.encode(JSON.stringify(next)), cur.revision);
          this.tables.set(tableKey(db, table), { schema: next, revision: rev });
          this.onTableChange?.(db, table, next);
          return next;
        } catch {
          /* stale revision: reload and retry */
        }
      }
    });
  }

  /** RENAME: the schema moves to its new key (same table id, so the same regions). */
  private async renameTable(old: TableSchema, next: TableSchema): Promise<TableSchema> {
    checkName('table', next.name);
    try {
      const rev = await this.kv.create(tableKey(next.db, next.name), enc.encode(JSON.stringify(next)));
      this.tables.set(tableKey(next.db, next.name), { schema: next, revision: rev });
      this.absent.delete(tableKey(next.db, next.name));
    } catch {
      throw new EddyError(StatusCode.TableAlreadyExists, `Table already exists: ${next.db}.${next.name}`);
    }
    await this.kv.delete(tableKey(old.db, old.name));
    this.tables.delete(tableKey(old.db, old.name));
    this.onTableChange?.(old.db, old.name, null);
    this.onTableChange?.(next.db, next.name, next);
    return next;
  }

  async dropTable(db: string, table: string): Promise<TableSchema | null> {
    return this.serialize(tableKey(db, table), async () => {
      const cur = await this.loadTable(db, table);
      if (!cur) return null;
      await this.kv.delete(tableKey(db, table));
      this.tables.delete(tableKey(db, table));
      this.onTableChange?.(db, table, null);
      return cur.schema;
    });
  }

  /** Forgets cached entries (another node changed them). */
  invalidate(db: string, table?: string): void {
    if (table === undefined) this.dbs.delete(db);
    else {
      this.tables.delete(tableKey(db, table));
      this.absent.delete(tableKey(db, table));
    }
  }

  cachedTables(): TableSchema[] {
    return [...this.tables.values()].map((v) => v.schema);
  }
}
