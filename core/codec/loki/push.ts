// Loki push requests (`POST /loki/api/v1/push`): snappy-framed protobuf PushRequest or JSON, into columns over every
// entry: `greptime_timestamp` (ns), `line`, `structured_metadata` (JSON) and one column per stream label (tags).
import { InvalidArgumentError } from '../../errors.ts';
import { TimeCol, setNs, wordsOf, type PipelineColumn } from '../../pipeline/index.ts';
import { LokiPushRequestType, type LokiPushRequest, type LokiTimestamp } from '../../proto/loki_push.ts';
import { snappyDecode } from '../prometheus/snappy.ts';
import { LayoutCache, layoutPipeline } from '../log_layout/index.ts';
import type { CompiledPipeline } from '../../pipeline/index.ts';

export const LOKI_TIME = 'greptime_timestamp';
export const LOKI_LINE = 'line';
export const LOKI_METADATA = 'structured_metadata';
const RESERVED = new Set([LOKI_TIME, LOKI_LINE, LOKI_METADATA]);

/** Entries of a push as columns; `labels` are the label names seen (sorted), each a column of its own. */
export interface LokiBatch {
  n: number;
  columns: Map<string, PipelineColumn>;
  labels: string[];
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const HEX = /^[0-9a-fA-F]+$/;
const NAME_CHAR = /[a-zA-Z0-9_]/;

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', "'": "'" };

/** A stream's label set in Prometheus text form: `{job="api", level="info"}` (Go string escapes in values). */
export function parseLabels(text: string): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  const fail = (why: string): never => { throw new InvalidArgumentError(`invalid labels ${JSON.stringify(text.length > 200 ? text.slice(0, 200) + '...' : text)}: ${why} at character ${i + 1}`); };
  const ws = () => { while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++; };
  ws();
  if (text[i] !== '{') fail("expected '{'");
  i++;
  ws();
  if (text[i] === '}') { i++; ws(); if (i !== text.length) fail("unexpected text after '}'"); return out; }
  for (;;) {
    ws();
    const start = i;
    while (i < text.length && NAME_CHAR.test(text[i]!)) i++;
    const name = text.slice(start, i);
    if (!LABEL_NAME.test(name)) fail('expected a label name');
    ws();
    if (text[i] !== '=') fail("expected '='");
    i++;
    ws();
    if (text[i] !== '"') fail('expected a quoted value');
    i++;
    let v = '';
    for (;;) {
      if (i >= text.length) fail('unterminated value');
      const c = text[i]!;
      if (c === '"') { i++; break; }
      if (c !== '\\') { v += c; i++; continue; }
      const e = text[i + 1];
      if (e !== undefined && ESCAPES[e] !== undefined) { v += ESCAPES[e]; i += 2; continue; }
      const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hexLen > 0) {
        const h = text.slice(i + 2, i + 2 + hexLen);
        if (h.length !== hexLen || !HEX.test(h)) fail(`bad \\${e} escape`);
        const cp = parseInt(h, 16);
        if (cp > 0x10ffff) fail('escape out of the Unicode range');
        v += String.fromCodePoint(cp);
        i += 2 + hexLen;
        continue;
      }
      fail(`unknown escape \\${e ?? ''}`);
    }
    if (out.some(([n]) => n === name)) fail(`label '${name}' given twice`);
    out.push([name, v]);
    ws();
    if (text[i] === ',') { i++; ws(); if (text[i] === '}') { i++; break; } continue; }
    if (text[i] === '}') { i++; break; }
    fail("expected ',' or '}'");
  }
  ws();
  if (i !== text.length) fail("unexpected text after '}'");
  return out;
}

/** Builds the columns while streams and entries are read. */
class Builder {
  private readonly streams: { labels: [string, string][]; from: number; to: number }[] = [];
  private readonly lines: string[] = [];
  private readonly meta: (Record<string, string> | null)[] = [];
  private readonly sec: number[] = [];
  private readonly nanos: number[] = [];

  stream(labels: [string, string][], where: string): void {
    if (labels.length === 0) throw new InvalidArgumentError(`${where}: at least one label pair is required per stream`);
    for (const [n] of labels) if (RESERVED.has(n)) throw new InvalidArgumentError(`${where}: label '${n}' would clash with the column of the same name`);
    this.streams.push({ labels, from: this.lines.length, to: this.lines.length });
  }

  entry(sec: number, nanos: number, line: string, meta: Record<string, string> | null): void {
    this.sec.push(sec);
    this.nanos.push(nanos);
    this.lines.push(line);
    this.meta.push(meta);
    this.streams[this.streams.length - 1]!.to = this.lines.length;
  }

  finish(): LokiBatch {
    const n = this.lines.length;
    const ts = new TimeCol(n, 'ns');
    const w = wordsOf(ts.ns);
    for (let i = 0; i < n; i++) { setNs(w, ts.ns, i, this.sec[i]!, this.nanos[i]!); ts.valid[i] = 1; }
    const columns = new Map<string, PipelineColumn>([[LOKI_TIME, ts], [LOKI_LINE, this.lines], [LOKI_METADATA, this.meta]]);
    const names = new Set<string>();
    for (const s of this.streams) for (const [k] of s.labels) names.add(k);
    for (const k of names) columns.set(k, new Array<unknown>(n));
    for (const s of this.streams) {
      for (const [k, v] of s.labels) {
        const col = columns.get(k) as unknown[];
        for (let i = s.from; i < s.to; i++) col[i] = v;
      }
    }
    return { n, columns, labels: [...names].sort() };
  }
}

function seconds(t: LokiTimestamp): number {
  const s = t.seconds ?? 0;
  return typeof s === 'number' ? s : s.toNumber();
}

/** A snappy-compressed protobuf PushRequest (what Promtail, Alloy and most clients send). */
export function decodeLokiProtobuf(body: Uint8Array): LokiBatch {
  const raw = snappyDecode(body);
  let req: LokiPushRequest;
  try {
    req = LokiPushRequestType.decode(raw) as unknown as LokiPushRequest;
  } catch (e) {
    throw new InvalidArgumentError(`invalid protobuf PushRequest: ${(e as Error).message}`);
  }
  const b = new Builder();
  const streams = req.streams ?? [];
  for (let s = 0; s < streams.length; s++) {
    const st = streams[s]!;
    const where = `stream ${s + 1}`;
    b.stream(parseLabels(st.labels ?? ''), where);
    const entries = st.entries ?? [];
    for (let e = 0; e < entries.length; e++) {
      const en = entries[e]!;
      if (!en.timestamp) throw new InvalidArgumentError(`${where}, entry ${e + 1}: no timestamp`);
      const sec = seconds(en.timestamp);
      const nanos = en.timestamp.nanos ?? 0;
      if (nanos < 0 || nanos >= 1e9) throw new InvalidArgumentError(`${where}, entry ${e + 1}: nanos ${nanos} out of range`);
      let meta: Record<string, string> | null = null;
      for (const p of en.structuredMetadata ?? []) (meta ??= {})[p.name ?? ''] = p.value ?? '';
      b.entry(sec, nanos, en.line ?? '', meta);
    }
  }
  return b.finish();
}

/** A timestamp as Loki's JSON gives it: a string (or number) of Unix nanoseconds. */
function nsText(v: unknown, where: string): [number, number] {
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  if (typeof s !== 'string' || !/^\d{1,19}$/.test(s)) throw new InvalidArgumentError(`${where}: timestamp ${JSON.stringify(v)} is not a string of Unix nanoseconds`);
  return s.length > 9 ? [Number(s.slice(0, -9)), Number(s.slice(-9))] : [0, Number(s)];
}

/** Loki's JSON push body: `{"streams":[{"stream":{label:value},"values":[["<ns>","line",{metadata}]]}]}` (and the older `labels`/`entries` form). */
export function decodeLokiJson(text: string): LokiBatch {
  let body: unknown;
  try { body = JSON.parse(text); } catch (e) { throw new InvalidArgumentError(`invalid JSON push body: ${(e as Error).message}`); }
  const streams = (body as { streams?: unknown } | null)?.streams;
  if (!Array.isArray(streams)) throw new InvalidArgumentError("a JSON push body is {\"streams\": [...]}: 'streams' is missing or not a list");
  const b = new Builder();
  for (let s = 0; s < streams.length; s++) {
    const st = streams[s] as Record<string, unknown> | null;
    const where = `streams[${s}]`;
    if (st === null || typeof st !== 'object') throw new InvalidArgumentError(`${where} is not an object`);
    if (st.stream !== undefined) {
      if (st.stream === null || typeof st.stream !== 'object' || Array.isArray(st.stream)) throw new InvalidArgumentError(`${where}.stream is not an object of labels`);
      const labels: [string, string][] = [];
      for (const [k, v] of Object.entries(st.stream as Record<string, unknown>)) {
        if (!LABEL_NAME.test(k)) throw new InvalidArgumentError(`${where}.stream: '${k}' is not a valid label name`);
        if (typeof v !== 'string') throw new InvalidArgumentError(`${where}.stream.${k} is not a string`);
        labels.push([k, v]);
      }
      b.stream(labels, where);
      if (!Array.isArray(st.values)) throw new InvalidArgumentError(`${where}.values is missing or not a list`);
      for (let e = 0; e < st.values.length; e++) {
        const v = st.values[e] as unknown[];
        const at = `${where}.values[${e}]`;
        if (!Array.isArray(v) || v.length < 2 || v.length > 3) throw new InvalidArgumentError(`${at} is not [timestamp, line] or [timestamp, line, metadata]`);
        const [sec, nanos] = nsText(v[0], at);
        if (typeof v[1] !== 'string') throw new InvalidArgumentError(`${at}: the line is not a string`);
        let meta: Record<string, string> | null = null;
        if (v[2] !== undefined && v[2] !== null) {
          if (typeof v[2] !== 'object' || Array.isArray(v[2])) throw new InvalidArgumentError(`${at}: structured metadata is not an object`);
          meta = {};
          for (const [k, x] of Object.entries(v[2] as Record<string, unknown>)) {
            if (typeof x !== 'string') throw new InvalidArgumentError(`${at}: structured metadata '${k}' is not a string`);
            meta[k] = x;
          }
        }
        b.entry(sec, nanos, v[1], meta);
      }
    } else if (typeof st.labels === 'string') {
      b.stream(parseLabels(st.labels), where);
      const entries = Array.isArray(st.entries) ? st.entries : [];
      for (let e = 0; e < entries.length; e++) {
        const en = entries[e] as { ts?: unknown; line?: unknown; timestamp?: unknown } | null;
        const at = `${where}.entries[${e}]`;
        const ts = en?.ts ?? en?.timestamp;
        const ms = typeof ts === 'string' ? Date.parse(ts) : NaN;
        if (Number.isNaN(ms) || typeof en?.line !== 'string') throw new InvalidArgumentError(`${at} needs 'ts' (RFC 3339) and 'line'`);
        const sec = Math.floor(ms / 1000);
        b.entry(sec, (ms - sec * 1000) * 1e6, en.line, null);
      }
    } else throw new InvalidArgumentError(`${where} has neither 'stream' nor 'labels'`);
  }
  return b.finish();
}

/** Loki's table layout (GreptimeDB's): time index, `line` (full-text), `structured_metadata` (JSON), labels as tags. */
const layouts = new LayoutCache((key) => layoutPipeline('loki', [
  { name: LOKI_TIME, type: 'time', index: 'timestamp' },
  { name: LOKI_LINE, type: 'string', index: 'fulltext' },
  { name: LOKI_METADATA, type: 'json' },
  ...(key === '' ? [] : key.split(',')).map((l) => ({ name: l, type: 'string' as const, index: 'tag' as const })),
]));

export function lokiPipeline(labels: readonly string[]): CompiledPipeline {
  return layouts.get(labels.join(','));
}
