// Compiles a pipeline once (YAML -> processor steps + transform columns) into a function from a batch of records to a WriteBatch.
import type { WriteBatch } from '../batch.ts';
import type { ColumnSchema } from '../schema.ts';
import { InternalError, PipelineError } from '../errors.ts';
import { Ctx, TimeCol, type Col, type LineError } from './context.ts';
import { loadPipelineYaml, type PipelineSource } from './yaml.ts';
import { PROCESSORS, type Step } from './processors/index.ts';
import { compileTransform, type OutColumn } from './transform.ts';
import { compact, fillColumn, inferColumn } from './build.ts';
import { setNs, wordsOf } from './time_words.ts';

/** The time index added when a pipeline names none (GreptimeDB's name): the time the line was written. */
export const DEFAULT_TIME_INDEX = 'greptime_timestamp';
export const IDENTITY_PIPELINE = 'greptime_identity';

export interface RunOptions {
  table: string;
  /** Ingest time in ms (for the default time index). */
  nowMs: number;
  /** GreptimeDB's `skip_error=true`: skip failing lines even when the pipeline says fail. */
  skipErrors?: boolean;
}

export interface PipelineResult {
  /** Null when no line is left. */
  batch: WriteBatch | null;
  /** The table's columns as the pipeline defines them (time index, tags with indexes, fields). */
  columns: ColumnSchema[];
  timeIndex: string;
  primaryKey: string[];
  rows: number;
  /** Lines skipped for an error (only when the pipeline or the request says skip). */
  failed: LineError[];
  /** Lines dropped by a filter processor. */
  filtered: number;
  /**
   * With `table_suffix`, the rows grouped by the suffix their values make ('' for the table itself: a row whose
   * variable is missing or not a string or integer); `batch` still holds every row.
   */
  split?: { suffix: string; batch: WriteBatch }[];
}

export interface CompiledPipeline {
  readonly name: string;
  readonly onFailure: 'fail' | 'skip';
  /** Records from JSON (one object per line). */
  run(records: readonly Record<string, unknown>[], opts: RunOptions): PipelineResult;
  /** Plain text lines: each is `{message: line}`. */
  runLines(lines: readonly string[], opts: RunOptions): PipelineResult;
  /**
   * Columns already split by a protocol decoder (Loki, OTLP, syslog): one array (or time column) per field over n
   * lines, so no object per line is made. The arrays are handed over: processors may write into them.
   */
  runColumns(n: number, cols: ReadonlyMap<string, Col>, opts: RunOptions): PipelineResult;
  /** The columns the transform declares (types, roles, indexes), in its order: what `/v1/pipelines/<name>/ddl` shows. */
  declaredColumns(): ColumnSchema[];
}

/** Parses and compiles a pipeline's YAML; a mistake is a PipelineError naming the processor, the option and the line. */
export function compilePipeline(name: string, yaml: string): CompiledPipeline {
  const src = loadPipelineYaml(yaml);
  return compileSource(name, src);
}

export function compileSource(name: string, src: PipelineSource): CompiledPipeline {
  const steps: Step[] = src.processors.map(({ name: pname, options }) => {
    const make = PROCESSORS[pname];
    if (!make) throw options.error(`unknown processor '${pname}' (known: ${Object.keys(PROCESSORS).join(', ')})`);
    return make(options);
  });
  const outs = compileTransform(src.transform);
  if (src.version === 1 && outs.length === 0) throw new PipelineError("a version 1 pipeline needs a 'transform' (or use version: 2, where untransformed fields are kept)", { line: 1, column: 1 });
  return new Compiled(name, steps, outs, src.version === 2, src.onFailure, src.tableSuffix);
}

/** greptime_identity: every top-level key becomes a column, typed from its values; objects and arrays become JSON. */
export function identityPipeline(): CompiledPipeline {
  return new Compiled(IDENTITY_PIPELINE, [], [], true, 'fail');
}

class Compiled implements CompiledPipeline {
  constructor(
    readonly name: string,
    private readonly steps: Step[],
    private readonly outs: OutColumn[],
    private readonly keepRest: boolean,
    readonly onFailure: 'fail' | 'skip',
    private readonly tableSuffix?: string,
  ) {}

  declaredColumns(): ColumnSchema[] {
    return this.outs.map((o) => o.schema);
  }

  run(records: readonly Record<string, unknown>[], opts: RunOptions): PipelineResult {
    const ctx = new Ctx(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (r === null || typeof r !== 'object' || Array.isArray(r)) { ctx.fail(i, 'input', '', 'a line must be a JSON object'); continue; }
      for (const k in r) ctx.out(k)[i] = r[k];
    }
    return this.execute(ctx, opts);
  }

  runLines(lines: readonly string[], opts: RunOptions): PipelineResult {
    const ctx = new Ctx(lines.length);
    ctx.cols.set('message', lines as unknown[]);
    return this.execute(ctx, opts);
  }

  runColumns(n: number, cols: ReadonlyMap<string, Col>, opts: RunOptions): PipelineResult {
    const ctx = new Ctx(n);
    for (const [k, c] of cols) {
      if ((c instanceof TimeCol ? c.ns.length : c.length) !== n) throw new InternalError(`column '${k}' has ${c instanceof TimeCol ? c.ns.length : c.length} values for ${n} lines`);
      ctx.cols.set(k, c);
    }
    return this.execute(ctx, opts);
  }

  private execute(ctx: Ctx, opts: RunOptions): PipelineResult {
    for (const s of this.steps) s(ctx);
    const suffixes = this.tableSuffix ? suffixesOf(ctx, this.tableSuffix) : null;
    const cols = [...this.outs];
    if (this.keepRest) {
      const named = new Set(cols.map((c) => c.field.input));
      for (const [k, src] of ctx.cols) {
        if (named.has(k) || cols.some((c) => c.schema.name === k)) continue;
        const inferred = inferColumn(ctx, k, src);
        if (inferred) cols.push(inferred);
      }
    }
    const filled = cols.map((c) => fillColumn(ctx, c, ctx.get(c.field.input)));
    let timeIndex = cols.find((c) => c.schema.semantic === 'timestamp')?.schema.name;
    if (!timeIndex) {
      timeIndex = DEFAULT_TIME_INDEX;
      const ts = new TimeCol(ctx.n, 'ns');
      const sec = Math.floor(opts.nowMs / 1000);
      const nanos = Math.round((opts.nowMs - sec * 1000) * 1e6);
      const w = wordsOf(ts.ns);
      for (let i = 0; i < ctx.n; i++) { setNs(w, ts.ns, i, sec, nanos); ts.valid[i] = 1; }
      const schema: ColumnSchema = { name: DEFAULT_TIME_INDEX, type: 'timestamp', semantic: 'timestamp', nullable: false, unit: 'ns' };
      filled.push({ schema, values: ts.ns, valid: ts.valid });
      cols.push({ field: { input: DEFAULT_TIME_INDEX, output: DEFAULT_TIME_INDEX }, kind: 'time', unit: 'ns', schema });
    } else {
      const f = filled.find((x) => x.schema.name === timeIndex)!;
      for (let i = 0; i < ctx.n; i++) if (!ctx.dead[i] && !f.valid[i]) ctx.fail(i, 'transform', timeIndex, `the time index '${timeIndex}' has no value`);
    }
    const lineErrors = ctx.errors;
    if (lineErrors.length > 0 && this.onFailure === 'fail' && !opts.skipErrors) {
      const e = lineErrors[0]!;
      throw new PipelineError(
        `pipeline '${this.name}' failed on line ${e.row + 1}: ${e.processor === 'transform' ? 'transform' : `processor '${e.processor}'`}${e.field ? `, field '${e.field}'` : ''}: ${e.message}` +
          (lineErrors.length > 1 ? ` (and ${lineErrors.length - 1} more failing line${lineErrors.length > 2 ? 's' : ''})` : ''),
        { row: e.row },
      );
    }
    let filtered = 0;
    for (let i = 0; i < ctx.n; i++) filtered += ctx.filtered[i]!;
    const { rows, columns } = compact(ctx, filled);
    let split: PipelineResult['split'];
    if (suffixes && suffixes.some((x, i) => x !== '' && !ctx.dead[i])) {
      // one compaction per suffix: the other suffixes' rows are set dead for it, then the batch's own dead rows restored
      const dead = ctx.dead.slice();
      split = [];
      for (const suffix of new Set(suffixes.filter((_x, i) => !dead[i]))) {
        for (let i = 0; i < ctx.n; i++) ctx.dead[i] = dead[i] || suffixes[i] !== suffix ? 1 : 0;
        const part = compact(ctx, filled);
        split.push({ suffix, batch: { table: opts.table + suffix, rows: part.rows, columns: part.columns } });
      }
      ctx.dead.set(dead);
    }
    return {
      ...(split ? { split } : {}),
      batch: rows > 0 ? { table: opts.table, rows, columns } : null,
      columns: cols.map((c) => c.schema),
      timeIndex,
      primaryKey: cols.filter((c) => c.schema.semantic === 'tag').map((c) => c.schema.name),
      rows,
      failed: lineErrors,
      filtered,
    };
  }
}

/** Each row's table suffix from a `table_suffix` template: '' where a variable is missing or not a string or integer. */
function suffixesOf(ctx: Ctx, template: string): string[] {
  const parts = template.split(/(\$\{[^}]+\})/).filter((p) => p !== '');
  const out = new Array<string>(ctx.n);
  for (let i = 0; i < ctx.n; i++) {
    let s = '';
    for (const p of parts) {
      if (!p.startsWith('${')) { s += p; continue; }
      const c = ctx.get(p.slice(2, -1).trim());
      const v = c === undefined || c instanceof TimeCol ? undefined : c[i];
      if (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))) s += String(v);
      else { s = ''; break; }
    }
    out[i] = s;
  }
  return out;
}
