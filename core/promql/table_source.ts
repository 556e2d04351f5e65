// A SeriesSource over EddyDB tables through the QueryContext (GreptimeDB's rule): a metric is a table, its tag columns
// are labels, the value is `greptime_value` (Prometheus-written tables), the field named by a `__field__` matcher, or
// the first numeric field. Equality matchers on tags (and `=~` lists of plain words) and the time range are pushed into the scan,
// the equalities also as IN predicates the regions' inverted indexes answer.
import type { QueryContext, ScanSpec } from '../query/context.ts';
import type { TableSchema } from '../schema.ts';
import { InvalidArgumentError } from '../errors.ts';
import { TABLE_ID_COLUMN, physicalOf } from '../metric_engine.ts';
import { batchesToRel } from '../query/plan/scan.ts';
import type { NumVec, StrVec, TsVec } from '../query/vector.ts';
import { canonicalCodes, mergeTimeRuns, seriesStarts } from './series_runs.ts';
import type { LabelMatcher, Labels, SeriesSamples, SeriesSource } from './types.ts';
import { compileRegex } from './engine_seam.ts';
import type { ColumnPredicate } from '../index/index.ts';

export const METRIC_NAME = '__name__';
export const FIELD_MATCHER = '__field__';
/** GreptimeDB's matchers naming the database a selector reads (`up{__schema__="db"}`, `__database__` its alias). */
const DB_MATCHERS = new Set(['__schema__', '__database__']);
const PROM_VALUE = 'greptime_value';

/** Compiles a matcher into a predicate on a label value ('' when the series lacks the label), regexes fully anchored. */
export function matcherTest(m: LabelMatcher): (v: string) => boolean {
  switch (m.op) {
    case '=': return (v) => v === m.value;
    case '!=': return (v) => v !== m.value;
    case '=~':
    case '!~': {
      const re = compileRegex(m.value);
      return m.op === '=~' ? (v) => re.test(v) : (v) => !re.test(v);
    }
  }
}

/**
 * A matcher as a predicate for the regions' indexes, when that is exact: only matchers that reject '' (a series
 * without the label), since a predicate never matches a missing (null) tag.
 */
function indexPredicate(m: LabelMatcher): ColumnPredicate | null {
  if (matcherTest(m)('')) return null;
  if (m.op === '!=') return { column: m.name, op: 'ne', value: m.value };
  if (m.op !== '=~' && m.op !== '!~') return null;
  const re = compileRegex(m.value);
  return re.flags === '' ? { column: m.name, op: 'regex', pattern: re.source, flags: '', negated: m.op === '!~' } : null;
}

function numericField(s: TableSchema, name?: string): string | null {
  const fields = s.columns.filter((c) => c.semantic === 'field' && (c.type === 'float64' || c.type === 'int64' || c.type === 'uint64'));
  if (name !== undefined) return fields.some((c) => c.name === name) ? name : null;
  return fields.find((c) => c.name === PROM_VALUE)?.name ?? fields[0]?.name ?? null;
}

/** The value column PromQL reads from a table (exported for TQL's output column naming). */
export function valueColumnOf(s: TableSchema, field?: string): string | null {
  return numericField(s, field);
}

/**
 * ns (int64) rows [from, to) -> ms as doubles at out[at..], without a BigInt per row: the halves give ns within 2^-52
 * relative, rounded to whole ms.
 */
export function nsToMs(ns: BigInt64Array, from: number, to: number, out: Float64Array, at: number): void {
  const u = new Int32Array(ns.buffer, ns.byteOffset, ns.length * 2);
  for (let i = from; i < to; i++) {
    const lo = u[i * 2]! >>> 0;
    const hi = u[i * 2 + 1]!;
    out[at++] = Math.round((hi * 4294967296 + lo) / 1e6);
  }
}

export class TableSeriesSource implements SeriesSource {
  /** Tables read so far, by name (TQL names its output columns after them). */
  readonly touched = new Map<string, TableSchema>();
  /**
   * This evaluation's id on its scans: a selector over many metrics on one physical table asks each segment's index
   * once. A TQL statement's evaluation takes its statement's id (every scan of the statement shares it).
   */
  private readonly queryId: string;
  /** The running statement's signal, taken at the start: a KILLed statement's context gets its session's back at once. */
  private readonly signal: AbortSignal | undefined;

  constructor(private readonly ctx: QueryContext, private readonly db: string = ctx.db) {
    this.queryId = ctx.queryId ?? globalThis.crypto.randomUUID();
    this.signal = ctx.signal;
  }

  /** Tables the `__name__` matchers select (one lookup when it is an equality). */
  private async tables(matchers: LabelMatcher[]): Promise<TableSchema[]> {
    const dbM = matchers.find((m) => DB_MATCHERS.has(m.name));
    if (dbM && dbM.op !== '=') throw new InvalidArgumentError(`the ${dbM.name} matcher takes '=' only`);
    const db = dbM?.value ?? this.db;
    const names = matchers.filter((m) => m.name === METRIC_NAME);
    const eq = names.find((m) => m.op === '=');
    let candidates: string[];
    // `__name__=~"a|b|c"` of plain words names its tables: no listing of every table (a catalog read per table)
    const words = names.find((m) => m.op === '=~' && LITERAL_ALTERNATION.test(m.value));
    if (eq) candidates = [eq.value];
    else if (words) candidates = [...new Set(words.value.split('|'))];
    else candidates = await this.ctx.listTables(db);
    const tests = names.map(matcherTest);
    const out: TableSchema[] = [];
    for (const t of candidates) {
      if (!tests.every((f) => f(t))) continue;
      const s = await this.ctx.getTable(db, t).catch(() => undefined);
      // a metric engine's physical table holds every logical table's rows: it is storage, not a metric
      if (s && (eq || !isPhysicalTable(s))) {
        out.push(s);
        this.touched.set(s.name, s);
      }
    }
    return out;
  }

  async select(matchers: LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]> {
    const out: SeriesSamples[] = [];
    for (const s of await this.tables(matchers)) await this.selectTable(s, matchers, startMs, endMs, true, out);
    return out;
  }

  private async selectTable(s: TableSchema, matchers: LabelMatcher[], startMs: number, endMs: number, withSamples: boolean, out: SeriesSamples[]): Promise<void> {
    const fieldM = matchers.find((m) => m.name === FIELD_MATCHER);
    if (fieldM && fieldM.op !== '=') throw new InvalidArgumentError(`the ${FIELD_MATCHER} matcher takes '=' only`);
    const value = numericField(s, fieldM?.value);
    if (!value && fieldM) throw new InvalidArgumentError(`Cannot find column ${fieldM.value}`);
    if (!value) return;
    const tags = s.primaryKey;
    const spec: ScanSpec = { start: BigInt(clampMs(startMs)) * 1_000_000n, end: BigInt(clampMs(endMs)) * 1_000_000n + 1n, queryId: this.queryId };
    const post: { col: number; test: (v: string) => boolean }[] = [];
    const equalities = new Map<string, string[]>();
    for (const m of matchers) {
      if (m.name === METRIC_NAME || m.name === FIELD_MATCHER || DB_MATCHERS.has(m.name)) continue;
      const col = tags.indexOf(m.name);
      if (col < 0) {
        // a label the table does not have is '' on every series
        if (!matcherTest(m)('')) return;
        continue;
      }
      // `=` and `=~"a|b|c"` of plain words (what Grafana's multi-value variables send) are value lists: the scan's
      // exact tag filter (intersected when two name one label) and an IN predicate the inverted index answers
      const list = m.op === '=' && m.value !== '' ? [m.value] : m.op === '=~' && LITERAL_ALTERNATION.test(m.value) ? m.value.split('|') : null;
      if (list) {
        const had = equalities.get(m.name);
        equalities.set(m.name, had ? had.filter((v) => list.includes(v)) : [...new Set(list)]);
        continue;
      }
      post.push({ col, test: matcherTest(m) });
      const pred = indexPredicate(m);
      if (pred) (spec.predicates ??= []).push(pred);
    }
    for (const [name, values] of equalities) {
      if (values.length === 0) return;
      (spec.tagFilter ??= {})[name] = values;
      (spec.predicates ??= []).push({ column: name, op: 'in', values });
    }
    // label-only answers (series, labels, label values) do not read the value column
    spec.columns = withSamples ? [...tags, value, s.timeIndex] : [...tags, s.timeIndex];
    // a cancelled statement (KILL) starts no more scans, and drops what a scan under way answers
    this.signal?.throwIfAborted();
    const batches = await this.ctx.scan(s, spec);
    this.signal?.throwIfAborted();
    const rel = batchesToRel(batches, s, s.name);
    const byName = new Map(rel.fields.map((f, i) => [f.name, rel.cols[i]!]));
    const tagCodes = tags.map((t) => canonicalCodes(byName.get(t) as StrVec));
    const vcol = byName.get(value) as NumVec;
    const tcol = byName.get(s.timeIndex) as TsVec;
    // a post matcher's verdict per distinct value (0 not yet known, 1 pass, 2 fail)
    const verdicts = post.map((p) => new Uint8Array(tagCodes[p.col]!.names.length));
    const passes = (i: number): boolean => {
      for (let q = 0; q < post.length; q++) {
        const tc = tagCodes[post[q]!.col]!;
        const c = tc.canon[tc.codes ? tc.codes[i]! + 1 : i]!;
        const vd = verdicts[q]!;
        if (vd[c] === 0) vd[c] = post[q]!.test(tc.names[c]!) ? 1 : 2;
        if (vd[c] === 2) return false;
      }
      return true;
    };
    // Rows come ordered by (tags, time) in each batch: a series is a run of equal canonical codes; a map joins runs
    // split across batches (regions).
    const nt = tags.length;
    const batchEnds: number[] = [];
    for (const b of batches) if (b.numRows > 0) batchEnds.push((batchEnds[batchEnds.length - 1] ?? 0) + b.numRows);
    const starts = seriesStarts(tagCodes, rel.len, batchEnds);
    const index = new Map<string, { labels: Labels; parts: number[]; rows: number }>();
    const order: { labels: Labels; parts: number[]; rows: number }[] = [];
    let total = 0;
    for (let r = 0; r + 1 < starts.length; r++) {
      const i = starts[r]!;
      const j = starts[r + 1]!;
      if (passes(i)) {
        let key = '';
        for (let k = 0; k < nt; k++) { const tc = tagCodes[k]!; key += `${tc.canon[tc.codes ? tc.codes[i]! + 1 : i]},`; }
        let e = index.get(key);
        if (!e) {
          const labels: [string, string][] = [[METRIC_NAME, s.name]];
          for (let k = 0; k < nt; k++) {
            const tc = tagCodes[k]!;
            const v = tc.names[tc.canon[tc.codes ? tc.codes[i]! + 1 : i]!]!;
            if (v !== '') labels.push([tags[k]!, v]);
          }
          sortByName(labels);
          e = { labels, parts: [], rows: 0 };
          index.set(key, e);
          order.push(e);
        }
        e.parts.push(i, j);
        e.rows += j - i;
        total += j - i;
      }
    }
    if (!withSamples) {
      for (const e of order) out.push({ labels: e.labels, t: new Float64Array(0), v: new Float64Array(0) });
      return;
    }
    // one buffer of times and one of values for the whole scan; each series is a view of its stretch. A series that is
    // one stretch of the scan without nulls takes its values as a view of the scan's column (the engine never writes
    // into a source's arrays).
    const direct = (e: { parts: number[] }): boolean => e.parts.length === 2 && !vcol.valid && vcol.v instanceof Float64Array;
    let copied = 0;
    for (const e of order) if (!direct(e)) copied += e.rows;
    const T = new ArrayBuffer(total * 8);
    const V = new ArrayBuffer(copied * 8);
    let o = 0;
    let ov = 0;
    for (const e of order) {
      const t = new Float64Array(T, o * 8, e.rows);
      o += e.rows;
      if (direct(e)) {
        nsToMs(tcol.v, e.parts[0]!, e.parts[1]!, t, 0);
        out.push({ labels: e.labels, t, v: (vcol.v as Float64Array).subarray(e.parts[0]!, e.parts[1]!) });
        continue;
      }
      const v = new Float64Array(V, ov * 8, e.rows);
      ov += e.rows;
      let w = 0;
      const runs: number[] = [];
      for (let p = 0; p < e.parts.length; p += 2) {
        runs.push(w);
        const x = e.parts[p]!;
        const y = e.parts[p + 1]!;
        nsToMs(tcol.v, x, y, t, w);
        // typed-array copy: NaN payloads (stale markers) survive
        v.set(vcol.v.subarray(x, y), w);
        if (vcol.valid) for (let r = x; r < y; r++) if (vcol.valid[r] === 0) v[w + r - x] = NaN;
        w += y - x;
      }
      runs.push(w);
      // each run is in time order: runs that follow each other (a series cut at a batch end) need no sort
      if (runs.length > 2) mergeTimeRuns(t, v, runs);
      out.push({ labels: e.labels, t, v });
    }
  }

  /** True when the table has a row in [startMs, endMs]: a scan of its time index that stops at the first row. */
  private async anyRow(s: TableSchema, startMs: number, endMs: number): Promise<boolean> {
    const batches = await this.ctx.scan(s, { start: BigInt(clampMs(startMs)) * 1_000_000n, end: BigInt(clampMs(endMs)) * 1_000_000n + 1n, columns: [s.timeIndex], limit: 1 });
    return batches.some((b) => b.numRows > 0);
  }

  /** The logical tables (their ids) with a row in [startMs, endMs] on a physical table: its __table_id column read once. */
  private async tableIdsIn(physical: string, startMs: number, endMs: number): Promise<Set<string>> {
    const ids = new Set<string>();
    const phy = await this.ctx.getTable(this.db, physical);
    if (!phy) return ids;
    const batches = await this.ctx.scan(phy, { start: BigInt(clampMs(startMs)) * 1_000_000n, end: BigInt(clampMs(endMs)) * 1_000_000n + 1n, columns: [TABLE_ID_COLUMN] });
    for (const b of batches) {
      const col = b.getChild(TABLE_ID_COLUMN);
      if (!col) throw new InvalidArgumentError(`physical table ${physical} answered a scan without its ${TABLE_ID_COLUMN} column`);
      if (!col.data.every((d) => d.dictionary)) {
        for (let i = 0; i < col.length; i++) { const v = col.get(i); if (v !== null) ids.add(String(v)); }
        continue;
      }
      for (const d of col.data) {
        // dictionary codes: each distinct code once
        const dict = d.dictionary!;
        const codes = d.values as Int32Array;
        const seen = new Uint8Array(dict.length);
        for (let i = 0; i < d.length; i++) seen[codes[i]!] = 1;
        for (let k = 0; k < seen.length; k++) if (seen[k]) ids.add(String(dict.get(k)));
      }
    }
    return ids;
  }

  async series(matcherSets: LabelMatcher[][], startMs: number, endMs: number): Promise<Labels[]> {
    const sets = matcherSets.length ? matcherSets : [[{ name: METRIC_NAME, op: '=~', value: '.+' } as LabelMatcher]];
    const seen = new Map<string, Labels>();
    for (const ms of sets) {
      for (const s of await this.tables(ms)) {
        const out: SeriesSamples[] = [];
        await this.selectTable(s, ms, startMs, endMs, false, out);
        for (const x of out) seen.set(x.labels.map(([k, v]) => `${k}\u0000${v}`).join('\u0001'), x.labels);
      }
    }
    return [...seen.values()];
  }

  async labelNames(matcherSets: LabelMatcher[][], startMs: number, endMs: number): Promise<string[]> {
    const names = new Set<string>();
    for (const l of await this.series(matcherSets, startMs, endMs)) for (const [k] of l) names.add(k);
    return [...names].sort();
  }

  async labelValues(name: string, matcherSets: LabelMatcher[][], startMs: number, endMs: number): Promise<string[]> {
    if (name === METRIC_NAME && matcherSets.length === 0) {
      // every table with a numeric field is a metric: over all time no scan is needed; over a range (Grafana sends its
      // dashboard's), one row of the table in the range is, as Prometheus lists only series with samples in it
      const allTime = clampMs(startMs) <= -ALL_TIME_MS && clampMs(endMs) >= ALL_TIME_MS;
      const out: string[] = [];
      const onPhysical = new Map<string, TableSchema[]>();
      for (const t of await this.ctx.listTables(this.db)) {
        const s = await this.ctx.getTable(this.db, t);
        if (!s || !numericField(s) || isPhysicalTable(s)) continue;
        const phy = physicalOf(s);
        if (allTime) out.push(t);
        else if (phy !== undefined) onPhysical.set(phy, [...(onPhysical.get(phy) ?? []), s]);
        else if (await this.anyRow(s, startMs, endMs)) out.push(t);
      }
      for (const [phy, tables] of onPhysical) {
        // many metrics on one physical table: one scan of its table ids over the range, not one scan per metric
        const ids = tables.length >= ONE_SCAN_FROM ? await this.tableIdsIn(phy, startMs, endMs) : null;
        for (const s of tables) if (ids ? ids.has(String(s.id)) : await this.anyRow(s, startMs, endMs)) out.push(s.name);
      }
      return out.sort();
    }
    const values = new Set<string>();
    for (const l of await this.series(matcherSets, startMs, endMs)) for (const [k, v] of l) if (k === name) values.add(v);
    return [...values].sort();
  }
}

/** Logical tables on one physical table from which a range lookup of metric names reads the physical table once. */
const ONE_SCAN_FROM = 32;

/** A regex that is only an alternation of literal words (no metacharacters), so it equals a list of values. */
const LITERAL_ALTERNATION = /^[\w:-]+(?:\|[\w:-]+)*$/;

/** The metric engine's mark of a physical table (GreptimeDB's table option `physical_metric_table`). */
function isPhysicalTable(s: TableSchema): boolean {
  return s.options.extra?.['physical_metric_table'] !== undefined;
}

/** The widest scan bound in ms (int64 ns): a range reaching both is all time. */
const ALL_TIME_MS = 9_223_372_036_853;

/** Scan bounds are int64 ns: times past ±9.2e12 s (Prometheus's "all time") are clamped to what fits. */
function clampMs(ms: number): number {
  return Math.floor(Math.min(ALL_TIME_MS, Math.max(-ALL_TIME_MS, ms)));
}

/** Labels sorted by name in place: an insertion sort, as a series has a handful (Array.prototype.sort allocates a work copy). */
function sortByName(l: [string, string][]): void {
  for (let k = 1; k < l.length; k++) {
    const x = l[k]!;
    let j = k - 1;
    while (j >= 0 && l[j]![0] > x[0]) { l[j + 1] = l[j]!; j--; }
    l[j + 1] = x;
  }
}
