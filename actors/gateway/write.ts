// The write path shared by NATS and HTTP: decode (codec by Content-Type), check against the catalog (schema on write), route to regions, in order.
import {
  InvalidArgumentError, PayloadTooLargeError, conformBatch, inferSchema, planNewColumns, withColumns,
  SeriesCache, partitionRows, isPhysical, physicalOf, toPhysicalBatch,
  type BatchPart, type Clock, type TableSchema, type TimeUnit, type WriteBatch,
} from '../../core/index.ts';
import { lineProtocolCodec, payloadCodecs, prometheusRemoteWriteCodec, type CodecRegistry, type DecodeContext } from '../../core/codec/index.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { RegionRouter } from '../region/router.ts';
import type { Metrics } from '../runtime/metrics.ts';
import { MetricTables } from './metric_tables.ts';
import { NotFastPath, PromWriter } from './prom_write.ts';
import { PromGroups, type SealedGroup } from './prom_groups.ts';
import type { PromBatch } from '../../core/codec/prometheus/physical_batch.ts';
import type { ParsePool, Parsed } from '../runtime/parse_pool.ts';

/** Payloads from this size go to a parse worker (when the node has some); below it a postMessage costs more than it saves. */
export const OFFLOAD_MIN_BYTES = 64 * 1024;

/** How a write treats tables it does not find. */
export interface WriteOptions {
  /** Make each new table a logical table on this physical metric table (created with GreptimeDB's columns if missing). */
  physicalTable?: string;
  /** The source message's identity (buffered ingest: stream and sequence): a redelivery of it is not applied twice. */
  sourceId?: string;
  /**
   * Each batch's WAL record as its parser encoded it (`encodeBatches([batch])`, a parse worker's): appended as it is
   * when the batch goes unchanged to one region (its table's types, no time column rename, no split), else encoded again.
   */
  records?: (Uint8Array | undefined)[];
}

export interface WriteInput {
  db: string;
  /** Set for JSON payloads (the subject's .<table> suffix or the URL). */
  table?: string;
  data: Uint8Array;
  contentType?: string;
  /** `Eddy-Format` header: picks among codecs sharing a Content-Type (`prometheus` for remote write). */
  format?: string;
  precision?: string;
  /** See WriteOptions (Prometheus remote write: one logical table per metric). */
  physicalTable?: string;
  /** See WriteOptions. */
  sourceId?: string;
}

const PRECISIONS: Record<string, TimeUnit> = { ns: 'ns', n: 'ns', us: 'us', u: 'us', 'µs': 'us', ms: 'ms', s: 's' };

export function parsePrecision(p: string | undefined): TimeUnit {
  if (p === undefined || p === '') return 'ns';
  const u = PRECISIONS[p];
  if (!u) throw new InvalidArgumentError(`unknown precision '${p}': use ns, us, ms or s`);
  return u;
}

export class WritePath {
  private order: Promise<unknown> = Promise.resolve();
  /** Series keys seen in earlier payloads: most writes repeat the same series, so their tags are parsed once. */
  private readonly seriesCache = new SeriesCache();
  /**
   * Per database, the tables whose last write could not use its parser's WAL record (split over regions, a single
   * region on another node, a logical table, a renamed time column): a parse worker encodes none for them.
   */
  private readonly recordsUnused = new Map<string, Set<string>>();
  readonly metric: MetricTables;
  private readonly prom: PromWriter;
  /** Remote-write requests without a source identity, written in groups (group commit). */
  private readonly promGroups: PromGroups;

  constructor(
    private readonly catalog: Catalog,
    private readonly router: RegionRouter,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    readonly maxWriteBytes: number,
    /** Payload formats by Content-Type (line protocol when none is given). */
    private readonly codecs: CodecRegistry = payloadCodecs,
    /** Worker threads for large line protocol payloads (parsed in place without them). */
    private readonly pool: ParsePool | null = null,
  ) {
    this.metric = new MetricTables(catalog, router, clock);
    this.prom = new PromWriter(catalog, router, this.metric, clock);
    this.promGroups = new PromGroups({
      read: (data, beforeClear) => this.prom.read(data, beforeClear),
      build: (reqs) => this.prom.build(reqs),
      write: (g) => this.writeGroup(g),
    });
  }

  /** Parses a payload into per-table batches; throws a positioned error on bad input. */
  async parse(input: WriteInput): Promise<WriteBatch[]> {
    if (input.data.length > this.maxWriteBytes) throw new PayloadTooLargeError(input.data.length, this.maxWriteBytes);
    const codec = this.codecs.forMessage(input.contentType, input.format);
    if (codec.needsTable && !input.table) throw new InvalidArgumentError(`${codec.name} need a table: publish on eddy.write.<db>.<table>`);
    const ctx: DecodeContext = {
      precision: parsePrecision(input.precision),
      defaultTimeNs: BigInt(this.clock.now()) * 1_000_000n,
      seriesCache: this.seriesCache,
      ...(input.table !== undefined ? { table: input.table } : {}),
    };
    if (codec.wantsSchema && input.table !== undefined) {
      const schema = await this.catalog.getTable(input.db, input.table);
      if (schema) ctx.schema = { timeColumn: schema.timeIndex, tagColumns: schema.primaryKey };
    }
    return codec.decode(input.data, ctx);
  }

  /**
   * Writes parsed batches: every batch is checked first (nothing is written if one is bad), then
   * tables are created or widened, then the batches go to their regions. Calls are ordered: a
   * later call's WAL appends are issued after an earlier call's.
   */
  write(db: string, batches: WriteBatch[], opts: WriteOptions = {}): Promise<number> {
    this.router.link.requireConnected(`write to ${db}`);
    const step = this.order.then(() => this.prepareAndSubmit(db, batches, opts));
    this.order = step.catch(() => undefined);
    return step.then((submitted) => submitted.done);
  }

  /** Remembers whether a table's parser-encoded WAL record can be used (see recordsUnused). */
  private learnRecordUse(db: string, table: string, usable: boolean): void {
    let unused = this.recordsUnused.get(db);
    if (usable) {
      unused?.delete(table);
      return;
    }
    if (!unused) this.recordsUnused.set(db, (unused = new Set()));
    unused.add(table);
  }

  /** Refused at once (NatsUnavailableError, HTTP 503 with Retry-After) while the node's NATS connection is down. */
  async parseAndWrite(input: WriteInput): Promise<number> {
    this.router.link.requireConnected(`write to ${input.db}`);
    if (input.physicalTable !== undefined && this.codecs.forMessage(input.contentType, input.format) === prometheusRemoteWriteCodec) {
      if (input.data.length > this.maxWriteBytes) throw new PayloadTooLargeError(input.data.length, this.maxWriteBytes);
      return this.writeRemote(input.db, input.data, input.physicalTable, input.sourceId);
    }
    const opts: WriteOptions = {};
    if (input.physicalTable !== undefined) opts.physicalTable = input.physicalTable;
    if (input.sourceId !== undefined) opts.sourceId = input.sourceId;
    const offloaded = this.parseInWorker(input);
    if (offloaded) {
      // The write takes its place in the chain now, in arrival order, while a worker parses it: payloads parsed by
      // different workers are still written in the order they came.
      offloaded.catch(() => undefined);
      const step = this.order.then(async () => {
        const { batches, records } = await offloaded;
        return this.prepareAndSubmit(input.db, batches, { ...opts, records });
      });
      this.order = step.catch(() => undefined);
      return step.then((submitted) => submitted.done);
    }
    return this.write(input.db, await this.parse(input), opts);
  }

  /** A large line protocol payload parsed by a worker thread (same result as `parse`); null when it is parsed in place. */
  private parseInWorker(input: WriteInput): Promise<Parsed> | null {
    if (this.pool === null || !this.pool.enabled || input.data.length < OFFLOAD_MIN_BYTES) return null;
    if (this.codecs.forMessage(input.contentType, input.format) !== lineProtocolCodec) return null;
    if (input.data.length > this.maxWriteBytes) throw new PayloadTooLargeError(input.data.length, this.maxWriteBytes);
    const unused = this.recordsUnused.get(input.db);
    const parsed = this.pool.parse(input.data, parsePrecision(input.precision), BigInt(this.clock.now()) * 1_000_000n, unused?.size ? [...unused] : undefined);
    if (parsed) this.metrics.writesParsedOffThread++;
    return parsed;
  }

  /**
   * Prometheus remote write into logical tables of a physical table: one physical batch per request (PromWriter), or
   * per group of requests (PromGroups: requests that came while earlier writes were in flight share one batch, WAL
   * append and memtable apply). Decoded as it arrives (a bad request is refused at once; what is decoded is
   * self-contained), then prepared and written in arrival order. A request naming a table that is not a logical table
   * of that physical one takes the general path. A request with a source identity (buffered ingest) is written alone,
   * so that a redelivery of it is recognised.
   */
  private writeRemote(db: string, data: Uint8Array, physicalTable: string, sourceId?: string): Promise<number> {
    this.router.link.requireConnected(`write to ${db}`);
    if (sourceId === undefined) return this.promGroups.add(db, physicalTable, data);
    let req: PromBatch;
    try {
      req = this.prom.decode(data);
    } catch (e) {
      return Promise.reject(e);
    }
    const step = this.order.then(async () => {
      if (req.samples === 0) return { done: Promise.resolve(0) };
      await this.catalog.requireDatabase(db);
      try {
        const { phy, batch } = await this.prom.prepare(db, physicalTable, req);
        return await this.prom.submit(phy, batch, sourceId);
      } catch (e) {
        if (!(e instanceof NotFastPath)) throw e;
        return this.prepareAndSubmit(db, prometheusRemoteWriteCodec.decode(data, { precision: 'ns', defaultTimeNs: 0n }), { physicalTable, sourceId });
      }
    });
    this.order = step.catch(() => undefined);
    return step.then((submitted) => submitted.done);
  }

  /** A group of remote-write requests: one batch when it takes the fast path, else request by request (each its own outcome). */
  private writeGroup(g: SealedGroup): Promise<number>[] {
    this.metrics.promGroups++;
    this.metrics.promGroupedRequests += g.samples.length;
    const step = this.order.then(async (): Promise<Promise<number>[]> => {
      await this.catalog.requireDatabase(g.db);
      try {
        const { phy, batch } = await this.prom.prepare(g.db, g.physicalTable, g.batch);
        const { done } = await this.prom.submit(phy, batch);
        return g.samples.map((n) => done.then(() => n));
      } catch (e) {
        if (!(e instanceof NotFastPath)) throw e;
        const out: Promise<number>[] = [];
        for (const data of g.payloads) {
          // one after the other, each its own outcome: the next request's writes are issued after this one's
          let one: Promise<number>;
          try {
            one = (await this.prepareAndSubmit(g.db, prometheusRemoteWriteCodec.decode(data, { precision: 'ns', defaultTimeNs: 0n }), { physicalTable: g.physicalTable })).done;
          } catch (err) {
            one = Promise.reject(err);
          }
          one.catch(() => undefined); // answered by the group's caller
          out.push(one);
        }
        return out;
      }
    });
    this.order = step.catch(() => undefined);
    return g.samples.map((_, k) => step.then((r) => r[k]!));
  }

  private async prepareAndSubmit(db: string, batches: WriteBatch[], opts: WriteOptions): Promise<{ done: Promise<number> }> {
    await this.catalog.requireDatabase(db);
    const plans: { batch: WriteBatch; schema: TableSchema | null; record: Uint8Array | undefined; renamed: boolean }[] = [];
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i]!;
      let record = opts.records?.[i];
      let renamed = false;
      let schema = await this.catalog.getTable(db, batch.table);
      if (!schema && opts.physicalTable !== undefined) schema = await this.metric.logicalForWrite(db, batch, opts.physicalTable);
      if (schema) {
        if ((renamed = renameTime(batch, schema.timeIndex))) record = undefined;
        planNewColumns(schema, batch);
      } else {
        inferSchema(db, batch, 0, 0);
      }
      plans.push({ batch, schema, record, renamed });
    }
    // Every batch is conformed and split by its table's partition rule before anything is written: a bad row fails the call.
    const routed = new Map<string, { schema: TableSchema; n: number; batches: BatchPart[]; record: Uint8Array | undefined }>();
    for (const p of plans) {
      let schema = p.schema;
      let record = p.record;
      if (!schema) {
        const draft = inferSchema(db, p.batch, 0, this.clock.now());
        const { id: _id, ...rest } = draft;
        schema = (await this.catalog.createTable(rest, true)).schema;
        if (renameTime(p.batch, schema.timeIndex)) {
          record = undefined;
          p.renamed = true;
        }
      }
      if (isPhysical(schema)) throw new InvalidArgumentError(`Write request to physical region is forbidden: ${db}.${schema.name} is a physical metric table`);
      const added = planNewColumns(schema, p.batch);
      const logical = physicalOf(schema) !== undefined;
      if (logical) checkLogicalColumns(schema, added);
      if (added.length) schema = await this.catalog.alterTable(db, schema.name, (s) => withColumns(s, planNewColumns(s, p.batch)));
      let batch = conformBatch(schema, p.batch);
      // The parser's record holds the batch as parsed: still this batch only if conforming changed no column.
      if (!sameColumns(batch, p.batch)) record = undefined;
      let target = schema;
      if (logical) {
        record = undefined;
        // a logical table's rows go to its physical table's regions, keyed by its table id
        target = await this.metric.recordTags(db, physicalOf(schema)!, schema.primaryKey);
        batch = toPhysicalBatch(schema, target, batch);
      }
      // a logical table's row without the physical table's partition values (a null tag) goes to its first region, as in GreptimeDB
      // each region's rows, copied out only for a region of this node (RegionRouter.write)
      const parts = partitionRows(target.partition, target.regions, batch, logical ? 0 : undefined);
      // A parser's record serves only a whole batch written to a region of this node: learnt for the next payloads.
      const whole = parts.indexOf(batch);
      this.learnRecordUse(db, p.batch.table, !logical && !p.renamed && whole >= 0 && this.router.servesLocally(target, whole));
      for (let n = 0; n < parts.length; n++) {
        const part = parts[n];
        if (!part) continue;
        const key = `${target.id}/${n}`;
        const r = routed.get(key) ?? { schema: target, n, batches: [], record: undefined };
        // the newest version of a physical table (a later logical batch may have added tags) serves every batch
        if (target.version > r.schema.version) r.schema = target;
        r.batches.push(part);
        // a region's record is the parser's only when it gets this one batch, whole
        r.record = r.batches.length === 1 && part === batch ? record : undefined;
        routed.set(key, r);
      }
    }
    const targets = [...routed.values()];
    // Checked again just before anything is sent: a write made while the connection is down would sit in the client's buffer.
    this.router.link.requireConnected(`write to ${db}`);
    // Remote regions learn the schema first, so that the writes below are issued in call order.
    await Promise.all(targets.map((t) => this.router.prepare(t.schema, t.n)));
    // A remote region is sent the batches and their series hints, not the parser's record (RegionRouter.write).
    for (const t of targets) if (t.record && !this.router.servesLocally(t.schema, t.n)) t.record = undefined;
    const used = targets.reduce((a, t) => a + (t.record ? 1 : 0), 0);
    this.metrics.walRecordsOffThread += used;
    this.metrics.walRecordsUnused += (opts.records?.reduce((a, r) => a + (r ? 1 : 0), 0) ?? 0) - used;
    const pending = targets.map((t) => this.router.write(t.schema, t.n, t.batches, opts.sourceId, t.record));
    // Wrapped so that the ordering chain waits for the appends to be issued, not for them to finish.
    return { done: Promise.all(pending).then((counts) => counts.reduce((a, b) => a + b, 0)) };
  }
}

/** A write may add tags to a logical table (they join its physical table's key), never fields. */
function checkLogicalColumns(schema: TableSchema, added: { name: string; semantic: string }[]): void {
  const field = added.find((c) => c.semantic !== 'tag');
  if (field) throw new InvalidArgumentError(`Adding field column ${field.name} to logical table ${schema.db}.${schema.name} is not supported: fields are the physical table's`);
}

/** Line protocol names the time column 'ts'; a table made by SQL may call it something else. True when renamed. */
function renameTime(batch: WriteBatch, timeIndex: string): boolean {
  const c = batch.columns.find((x) => x.semantic === 'timestamp');
  if (!c || c.name === timeIndex) return false;
  c.name = timeIndex;
  return true;
}

/** The same column objects, in the same order (conformBatch keeps a column it does not convert). */
function sameColumns(a: WriteBatch, b: WriteBatch): boolean {
  return a.columns.length === b.columns.length && a.columns.every((c, i) => c === b.columns[i]);
}
