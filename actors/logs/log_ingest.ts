// The logs engine's write path: records or lines -> a compiled pipeline -> a log table (created on first use from the
// pipeline's transform: append mode, time index, tags, index options) -> the normal write path (durable when it returns).
import {
  IDENTITY_PIPELINE, flattenRecord, InvalidArgumentError, checkName, parseInput, withColumns,
  type Clock, type ColumnSchema, type CompiledPipeline, type LineError, type PipelineColumn, type PipelineResult, type TableSchema,
} from '../../core/index.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { WritePath } from '../gateway/write.ts';
import type { PipelineStore } from './pipeline_store.ts';

export interface IngestOptions {
  /** A pipeline version (GreptimeDB's `version` parameter); the newest when absent. */
  version?: string;
  /** GreptimeDB's `skip_error=true`: failing lines are skipped (and reported) even when the pipeline says fail. */
  skipErrors?: boolean;
  /** The source message's identity (a buffered stream's sequence): a redelivery of it is not applied twice (WriteOptions). */
  sourceId?: string;
}

export interface IngestResult {
  /** Rows written. */
  rows: number;
  /** Lines skipped for an error (reported, never silently). */
  failed: number;
  /** Lines a filter processor dropped. */
  filtered: number;
  /** The first few failing lines: line number (1-based), processor, field, why. */
  errors: { line: number; processor: string; field: string; message: string }[];
  /** Every skipped line (0-based) with why, for protocols that answer per item (Elasticsearch _bulk). */
  failedRows: { row: number; message: string }[];
}

/** A pipeline by name (greptime_identity when undefined or ''), or compiled (a protocol's own column layout). */
export type PipelineRef = string | CompiledPipeline | undefined;

/** Counters of the logs engine (rendered on /metrics by the node). */
export class LogCounters {
  lines = 0;
  rows = 0;
  failedLines = 0;
  filteredLines = 0;
  failedRequests = 0;
}

const MAX_REPORTED = 10;

export class LogIngest {
  readonly counters = new LogCounters();

  constructor(
    private readonly catalog: Catalog,
    private readonly writes: () => WritePath,
    readonly pipelines: PipelineStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs a pipeline (greptime_identity when none is named) over parsed records and writes the result to db.table.
   * This is what the shipper protocols (Loki, Elasticsearch _bulk, OTLP logs, syslog) call with their parsed lines.
   */
  async ingestRecords(db: string, table: string, pipelineName: PipelineRef, records: readonly Record<string, unknown>[], opts: IngestOptions = {}): Promise<IngestResult> {
    const p = await this.pipelineOf(pipelineName, opts.version);
    return this.runAndWrite(db, table, p, (o) => p.run(records, o), records.length, opts);
  }

  /** The same for plain text lines (each becomes `{message: line}`). */
  async ingestLines(db: string, table: string, pipelineName: PipelineRef, lines: readonly string[], opts: IngestOptions = {}): Promise<IngestResult> {
    const p = await this.pipelineOf(pipelineName, opts.version);
    return this.runAndWrite(db, table, p, (o) => p.runLines(lines, o), lines.length, opts);
  }

  /** Columns a protocol decoder split (one array or time column per field over n lines): no object per line. */
  async ingestColumns(db: string, table: string, pipeline: PipelineRef, n: number, cols: ReadonlyMap<string, PipelineColumn>, opts: IngestOptions = {}): Promise<IngestResult> {
    const p = await this.pipelineOf(pipeline, opts.version);
    return this.runAndWrite(db, table, p, (o) => p.runColumns(n, cols, o), n, opts);
  }

  /** A request body by Content-Type: NDJSON, a JSON array, or text lines. */
  async ingestBody(
    db: string, table: string, pipelineName: PipelineRef, body: Uint8Array, contentType: string | undefined, opts: IngestOptions & { flattenLevels?: number } = {},
  ): Promise<IngestResult> {
    const input = parseInput(body, contentType);
    if (input.kind === 'lines') return this.ingestLines(db, table, pipelineName, input.lines, opts);
    const levels = opts.flattenLevels;
    return this.ingestRecords(db, table, pipelineName, levels ? input.records.map((r) => flattenRecord(r, levels)) : input.records, opts);
  }

  private async pipelineOf(name: PipelineRef, version?: string): Promise<CompiledPipeline> {
    if (typeof name === 'object') return name;
    return this.pipelines.compiledOf(name === undefined || name === '' ? IDENTITY_PIPELINE : name, version);
  }

  private async runAndWrite(
    db: string, table: string, p: CompiledPipeline, run: (o: { table: string; nowMs: number; skipErrors?: boolean }) => PipelineResult,
    lines: number, opts: IngestOptions,
  ): Promise<IngestResult> {
    checkName('table', table);
    this.counters.lines += lines;
    let result: PipelineResult;
    try {
      result = run({ table, nowMs: this.clock.now(), ...(opts.skipErrors ? { skipErrors: true } : {}) });
    } catch (e) {
      this.counters.failedRequests++;
      throw e;
    }
    this.counters.failedLines += result.failed.length;
    this.counters.filteredLines += result.filtered;
    if (result.batch) {
      await this.catalog.requireDatabase(db);
      // table_suffix: each part into the table named plus its suffix, all in one write
      const parts = result.split ?? [{ suffix: '', batch: result.batch }];
      for (const p of parts) {
        if (p.suffix !== '') checkName('table', table + p.suffix);
        await this.ensureTable(db, table + p.suffix, result);
      }
      await this.writes().write(db, parts.map((p) => p.batch), opts.sourceId !== undefined ? { sourceId: opts.sourceId } : {});
      this.counters.rows += result.rows;
    }
    return {
      rows: result.rows,
      failed: result.failed.length,
      filtered: result.filtered,
      errors: result.failed.slice(0, MAX_REPORTED).map((e: LineError) => ({ line: e.row + 1, processor: e.processor, field: e.field, message: e.message })),
      failedRows: result.failed.map((e) => ({ row: e.row, message: `${e.processor === 'transform' ? 'transform' : `processor '${e.processor}'`}${e.field ? `, field '${e.field}'` : ''}: ${e.message}` })),
    };
  }

  /** Whether a table exists (Elasticsearch's `HEAD /<index>`). */
  async tableExists(db: string, table: string): Promise<boolean> {
    return Boolean(await this.catalog.getTable(db, table));
  }

  /** Creates the log table from the pipeline's columns, or adds the columns it lacks (with their types and indexes). */
  private async ensureTable(db: string, table: string, r: PipelineResult): Promise<TableSchema> {
    let schema = await this.catalog.getTable(db, table);
    if (!schema) {
      const ordered: ColumnSchema[] = [...r.columns.filter((c) => c.semantic !== 'timestamp'), ...r.columns.filter((c) => c.semantic === 'timestamp')];
      for (const c of ordered) checkName('column', c.name);
      schema = (await this.catalog.createTable({
        db, name: table, version: 1, columns: ordered, timeIndex: r.timeIndex, primaryKey: r.primaryKey,
        options: { appendMode: true }, regions: 1, createdAt: this.clock.now(),
      }, true)).schema;
    }
    const missing = r.columns.filter((c) => c.semantic !== 'timestamp' && !schema!.columns.some((x) => x.name === c.name));
    if (missing.length > 0) {
      schema = await this.catalog.alterTable(db, table, (s) => withColumns(s, missing.filter((c) => !s.columns.some((x) => x.name === c.name)).map((c) => ({ ...c, semantic: c.semantic === 'tag' && s.primaryKey.length > 0 ? 'tag' : c.semantic }))));
    }
    const time = r.columns.find((c) => c.semantic === 'timestamp')!;
    if (schema.timeIndex !== time.name && schema.columns.some((c) => c.name === time.name)) {
      throw new InvalidArgumentError(`table ${db}.${table} has time index '${schema.timeIndex}', but the pipeline makes '${time.name}' a field and its time index`);
    }
    return schema;
  }
}
