// The region router: one call per region operation, served by the local Region actor when it is here, else over NATS to the node the routes name.
import type { NatsConnection, Msg, MsgHdrs } from '@nats-io/transport-node';
import { errors as natsErrors, headers as natsHeaders, nuid } from '@nats-io/transport-node';
import type { RecordBatch } from 'apache-arrow';
import {
  EddyError, StatusCode, Subjects, RegionOps, RegionControlOps, encodeBatches, fromWireError, materialize, regionIdOf, regionSchema,
  type BatchPart, type RegionControlOp, type RegionOp, type TableSchema, type WireError, type WriteBatch,
} from '../../core/index.ts';
import type { WireRel } from '../../core/query/index.ts';
import type { ScanRequest } from '../../storage/index.ts';
import type { Supervisor } from './supervisor.ts';
import type { RegionHost } from './host.ts';
import type { RouteTable } from '../meta/index.ts';
import { scanRegion } from '../runtime/scan_client.ts';
import { RECORD_BYTES_HEADER, SOURCE_ID_HEADER, regionWriteBody } from './handle_ops.ts';
import { natsLinkOf, type NatsLink } from '../runtime/nats_link.ts';
import { isTimeout } from '../runtime/js_call.ts';

const dec = new TextDecoder();

export interface ClusterRouting {
  routes: RouteTable;
  /** This node's id: a region routed here is served by the local supervisor. */
  nodeId: string;
  /** Asks the meta leader for a placement round now. */
  kick(): void;
}

export const RouterTiming = {
  /** How long one operation keeps retrying while its region has no route, moves, or reopens elsewhere. */
  deadlineMs: 30_000,
  firstBackoffMs: 20,
  maxBackoffMs: 1_000,
  /** One NATS request (write, delete, control); a reply that does not come in time is retried like a move. */
  requestMs: 10_000,
  /** Flush and compaction requests do real work before they answer. */
  slowRequestMs: 300_000,
} as const;

/** True for answers that mean "not here (any more)": the caller refreshes the route and tries again. */
export function isMovedError(e: unknown): boolean {
  if (e instanceof natsErrors.NoRespondersError) return true;
  if (e instanceof natsErrors.RequestError && e.isNoResponders()) return true;
  if (e instanceof EddyError) return e.code === StatusCode.RegionReadonly || e.code === StatusCode.RegionNotFound;
  return false;
}

/** A region reply: `{"ok":true,...}`, or an error carried with the Eddy-Error header. */
function replyOf<T>(m: Msg): T {
  const body = JSON.parse(dec.decode(m.data)) as { ok: boolean; error?: WireError } & T;
  if (m.headers?.get('Eddy-Error') || body.ok === false) throw fromWireError(body.error ?? { code: StatusCode.Internal, name: 'Internal', message: 'region error without details' });
  return body;
}

export class RegionRouter {
  /** Schema version each remote region was last told, so an added column reaches it before a write that uses it. */
  private readonly told = new Map<string, number>();
  private readonly unwatch: (() => void) | null;
  /** This node's NATS connection status: the write path refuses writes while it is down. */
  readonly link: NatsLink;

  /** `cluster` null: standalone, every region is local and opened on first use. */
  constructor(private readonly nc: NatsConnection, private readonly supervisor: Supervisor, readonly cluster: ClusterRouting | null) {
    this.link = natsLinkOf(nc);
    this.unwatch = cluster ? cluster.routes.onChange((c) => this.told.delete(c.regionId)) : null;
  }

  stop(): void {
    this.unwatch?.();
  }

  /**
   * Runs an operation on region `n` of a table: locally when the region is open here, else remotely on the node the
   * route names. A region that is not routed yet, is opening, closing or gone from its node is retried with a bounded
   * backoff, waking early when its route changes. `retryTimeouts` (asked after each attempt): whether an attempt that
   * timed out, whose outcome is unknown, may be tried again.
   */
  private async run<T>(schema: TableSchema, n: number, what: string, local: (h: RegionHost) => Promise<T>, remote: (id: string) => Promise<T>, retryTimeouts: boolean | (() => boolean) = true): Promise<T> {
    const retryable = () => (typeof retryTimeouts === 'function' ? retryTimeouts() : retryTimeouts);
    if (!this.cluster) return local(await this.supervisor.region(schema, n));
    const { routes, nodeId } = this.cluster;
    const id = regionIdOf(schema.id, n);
    const deadline = Date.now() + RouterTiming.deadlineMs;
    let backoff: number = RouterTiming.firstBackoffMs;
    let last: unknown = null;
    for (;;) {
      const host = this.supervisor.local(id);
      try {
        if (host) {
          host.ensureSchema(schema);
          return await local(host);
        }
        const route = routes.get(id);
        if (route && route.node !== nodeId) {
          const call = remote(id);
          return await this.unlessMoved(id, route.node, call, retryable());
        }
        if (!route) this.cluster.kick();
        last = new EddyError(StatusCode.StorageUnavailable, route ? `region ${id} is routed to ${nodeId} but not open yet` : `region ${id} has no route yet`);
      } catch (e) {
        if (!isMovedError(e) && !(isTimeout(e) && retryable())) throw e;
        last = e;
      }
      if (Date.now() >= deadline) {
        throw new EddyError(StatusCode.StorageUnavailable, `${what} on region ${id} of ${schema.db}.${schema.name} found no serving region within ${RouterTiming.deadlineMs} ms: ${(last as Error)?.message ?? last}`);
      }
      await this.routeChangeOr(id, Math.min(backoff, deadline - Date.now()));
      backoff = Math.min(backoff * 2, RouterTiming.maxBackoffMs);
    }
  }

  /**
   * A remote call, abandoned as soon as the region is routed away from `node` (the node died or left: a request it took
   * but never answered would otherwise hold the caller for the whole request timeout). Only where a retry is harmless.
   */
  private async unlessMoved<T>(id: string, node: string, call: Promise<T>, abandon: boolean): Promise<T> {
    if (!abandon) return call;
    call.catch(() => undefined);
    let off: () => void = () => undefined;
    const moved = new Promise<never>((_, reject) => {
      off = this.cluster!.routes.onChange((c) => {
        if (c.regionId === id && c.route?.node !== node) reject(new EddyError(StatusCode.RegionNotFound, `region ${id} moved away from ${node} while a request to it was in flight`));
      });
    });
    try {
      return await Promise.race([call, moved]);
    } finally {
      off();
    }
  }

  /** Resolves when region `id`'s route changes, or after `ms`. */
  private routeChangeOr(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let off: () => void = () => undefined;
      const timer = setTimeout(() => { off(); resolve(); }, Math.max(0, ms));
      off = this.cluster!.routes.onChange((c) => {
        if (c.regionId !== id) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  /** A request to a region: refused while this node's NATS connection is down, failed at once when it drops (not held until the timeout). */
  private async request<T>(id: string, op: RegionOp, data: Uint8Array | string, timeout: number = RouterTiming.requestMs, headers?: MsgHdrs): Promise<T> {
    const what = `${op} on region ${id}`;
    this.link.requireConnected(what);
    return replyOf<T>(await this.link.unlessLost(this.nc.request(Subjects.region(id, op), data, headers ? { timeout, headers } : { timeout }), what));
  }

  private async control(id: string, op: RegionControlOp, data: Uint8Array | string = ''): Promise<void> {
    const what = `${op} on region ${id}`;
    this.link.requireConnected(what);
    replyOf(await this.link.unlessLost(this.nc.request(Subjects.regionControl(id, op), data, { timeout: RouterTiming.requestMs }), what));
  }

  /** Tells a remote region the table's current schema, once per version (and again after the region moves). */
  private async tellSchema(id: string, table: TableSchema): Promise<void> {
    const schema = regionSchema(table);
    if ((this.told.get(id) ?? -1) >= schema.version) return;
    await this.control(id, RegionControlOps.schema, JSON.stringify(schema));
    this.told.set(id, schema.version);
  }

  /** Whether region `n` of the table is served by this node (standalone: always), as a write would find it now. */
  servesLocally(schema: TableSchema, n: number): boolean {
    return !this.cluster || this.supervisor.local(regionIdOf(schema.id, n)) !== undefined;
  }

  /**
   * Makes the region ready for writes of this schema version (a remote one is told the schema). The write path calls
   * it for every target region before issuing writes, so the writes themselves go out in call order.
   */
  prepare(schema: TableSchema, n: number): Promise<void> {
    return this.run(schema, n, 'prepare', async () => undefined, (id) => this.tellSchema(id, schema));
  }

  /**
   * `sourceId`: the idempotency key of the source message (see RegionHost.write); a repeat of it is not applied twice.
   * In a cluster every write carries one (a fresh request id when the source has none): its answer can be lost while
   * the region moves (the old leader closing, a reply that never comes) or while the WAL stream elects a leader (a
   * nats-server died with the append in flight: the append times out), and the write is then resent, to the new leader
   * once the route names it; the WAL's duplicate window turns a resend of a write already appended into an answer, not
   * a second copy. Standalone, a write has no key unless its source gives one. `record`: the batches' WAL record when
   * their producer already encoded it (a parse worker), sent or appended as it is. A part that is some rows of a batch
   * (a split) is copied out only for a region here; another node's gets it encoded from the batch's columns.
   */
  write(schema: TableSchema, n: number, batches: BatchPart[], sourceId?: string, record?: Uint8Array): Promise<number> {
    const key = sourceId ?? (this.cluster ? `w.${nuid.next()}` : undefined);
    // Encoded once, on the first remote attempt: a retry after a move sends the same bytes (with the batches' series
    // hints, so a parse worker's record is not reused for a remote region).
    let wire: ReturnType<typeof regionWriteBody> | null = null;
    return this.run(schema, n, 'write', (h) => h.write(batches.map(materialize), key, record), async (id) => {
      await this.tellSchema(id, schema);
      wire ??= regionWriteBody(batches);
      const headers = natsHeaders();
      headers.set(SOURCE_ID_HEADER, key!); // remote only in a cluster, where every write has a key
      if (wire.recordBytes !== null) headers.set(RECORD_BYTES_HEADER, String(wire.recordBytes));
      return (await this.request<{ rows: number }>(id, RegionOps.write, wire.body, RouterTiming.requestMs, headers)).rows;
    }, () => key !== undefined || !schema.options.appendMode);
  }

  delete(schema: TableSchema, n: number, batch: WriteBatch): Promise<number> {
    return this.run(schema, n, 'delete', (h) => h.delete(batch), async (id) => {
      await this.tellSchema(id, schema);
      return (await this.request<{ rows: number }>(id, RegionOps.delete, encodeBatches([batch]))).rows;
    });
  }

  scan(schema: TableSchema, n: number, req: ScanRequest): Promise<RecordBatch[]> {
    return this.run(schema, n, 'scan', (h) => h.scan(req), async (id) => {
      await this.tellSchema(id, schema);
      return scanRegion(this.nc, id, req);
    });
  }

  /** A partial aggregate (core/query/partial.ts) run by region n over its rows. */
  aggregate(schema: TableSchema, n: number, sql: string): Promise<WireRel> {
    return this.run(schema, n, 'aggregate', (h) => h.aggregate(sql), async (id) => {
      await this.tellSchema(id, schema);
      return (await this.request<{ rel: WireRel }>(id, RegionOps.aggregate, sql)).rel;
    });
  }

  flush(schema: TableSchema, n: number): Promise<void> {
    return this.run(schema, n, 'flush', (h) => h.flush(), async (id) => void (await this.request(id, RegionOps.flush, '', RouterTiming.slowRequestMs)), false);
  }

  compact(schema: TableSchema, n: number): Promise<void> {
    return this.run(schema, n, 'compact', (h) => h.compact(), async (id) => void (await this.request(id, RegionOps.compact, '', RouterTiming.slowRequestMs)), false);
  }

  truncate(schema: TableSchema, n: number): Promise<void> {
    return this.run(schema, n, 'truncate', (h) => h.truncate(), (id) => this.control(id, RegionControlOps.truncate));
  }

  /** The region's stats as its host reports them. */
  stats(schema: TableSchema, n: number): Promise<Record<string, unknown>> {
    return this.run(schema, n, 'stats', async (h) => h.stats(), async (id) => (await this.request<{ stats: Record<string, unknown> }>(id, RegionOps.stats, '')).stats);
  }

  /** Rows in the region (exact when asked, see RegionHost.rowCount); a remote region counts by a key-only scan. */
  rowCount(schema: TableSchema, n: number, exact: boolean): Promise<{ rows: number; exact: boolean }> {
    return this.run(schema, n, 'count', (h) => h.rowCount(exact), async (id) => {
      let rows = 0;
      for (const b of await scanRegion(this.nc, id, { columns: [] })) rows += b.numRows;
      return { rows, exact: true };
    });
  }

  /**
   * A dropped table's region: its host deletes the WAL and files. Standalone drops through the supervisor; in a
   * cluster a region with no route or no host has nothing to delete here.
   */
  async drop(schema: TableSchema, n: number): Promise<void> {
    if (!this.cluster) return;
    const id = regionIdOf(schema.id, n);
    const local = this.supervisor.local(id);
    if (local) return this.supervisor.dropRegion(id);
    if (!this.cluster.routes.get(id)) return;
    try {
      await this.control(id, RegionControlOps.drop);
    } catch (e) {
      if (!isMovedError(e)) throw e;
    }
  }

  /** Resolves once every region of the table has a route (a frontend answers CREATE TABLE only then). */
  async waitRouted(schema: TableSchema, timeoutMs = 15_000): Promise<void> {
    if (!this.cluster) return;
    const { routes } = this.cluster;
    const ids = Array.from({ length: schema.regions }, (_, n) => regionIdOf(schema.id, n));
    const missing = () => ids.filter((id) => !routes.get(id));
    if (missing().length === 0) return;
    this.cluster.kick();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new EddyError(StatusCode.StorageUnavailable, `regions ${missing().join(', ')} of ${schema.db}.${schema.name} got no route within ${timeoutMs} ms: is a meta node leading and a datanode up?`));
      }, timeoutMs);
      const off = routes.onChange(() => {
        if (missing().length > 0) return;
        clearTimeout(timer);
        off();
        resolve();
      });
      if (missing().length === 0) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}
