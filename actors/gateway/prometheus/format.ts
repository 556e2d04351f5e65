// Prometheus HTTP API shapes: the success/error envelopes, sample values as strings ("NaN", "+Inf"), times as float
// seconds, and the parsing of its time and duration parameters (Unix seconds or RFC 3339; `5m` or float seconds).
import { EddyError, StatusCode, httpStatusOf, toWireError } from '../../../core/index.ts';
import { formatGoFloat, goFloatInto } from '../../../core/promql/index.ts';
import type { Labels, PromValue } from '../../../core/promql/types.ts';
import type { HttpReply } from '../http/routes.ts';

export type PromErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found';

/** A bad parameter: 400 bad_data. */
export class PromBadData extends EddyError {
  constructor(message: string) {
    super(StatusCode.InvalidArguments, message);
  }
}

/** The success envelope; `warnings` and `infos` (Prometheus's annotations) only when there are some, as Prometheus's omitempty. */
export function promSuccess(data: unknown, warnings?: Iterable<string>, infos?: Iterable<string>): HttpReply {
  return { status: 200, contentType: 'application/json', body: JSON.stringify({ status: 'success', data, ...annotationFields(warnings, infos) }) };
}

function annotationFields(warnings?: Iterable<string>, infos?: Iterable<string>): { warnings?: string[]; infos?: string[] } {
  const w = warnings ? [...warnings] : [];
  const i = infos ? [...infos] : [];
  return { ...(w.length ? { warnings: w } : {}), ...(i.length ? { infos: i } : {}) };
}

const STATUS_OF: Record<PromErrorType, number> = {
  bad_data: 400, execution: 422, timeout: 503, canceled: 499, internal: 500, unavailable: 503, not_found: 404,
};

export function promError(type: PromErrorType, message: string, cause?: unknown): HttpReply {
  return {
    status: STATUS_OF[type], contentType: 'application/json',
    body: JSON.stringify({ status: 'error', errorType: type, error: message }),
    ...(cause !== undefined ? { error: cause } : {}),
  };
}

/** An exception as Prometheus would answer it: user mistakes are bad_data (400), engine failures execution (422). */
export function promErrorOf(e: unknown): HttpReply {
  const w = toWireError(e);
  // the PromQL engine's errors carry Prometheus's own errorType (bad_data, execution, timeout, ...)
  const t = (e as { errorType?: unknown } | null)?.errorType;
  if (typeof t === 'string' && t in STATUS_OF) return promError(t as PromErrorType, w.message, e);
  const status = httpStatusOf(w.code);
  // the server's query deadline (--query-timeout, X-Greptime-Timeout) and cancellation, as Prometheus names them
  if (w.code === StatusCode.DeadlineExceeded) return promError(/cancelled: the client went away/.test(w.message) ? 'canceled' : 'timeout', w.message, e);
  // KILL of a running query (the process list)
  if (w.code === StatusCode.Cancelled) return promError('canceled', w.message, e);
  if (w.code === StatusCode.EngineExecuteQuery || w.code === StatusCode.QueryMemoryExceeded) return promError('execution', w.message, e);
  if (status === 503) return promError('unavailable', w.message, e);
  if (status >= 400 && status < 500) return promError('bad_data', w.message, e);
  return promError('internal', w.message, e);
}

/** A float the way Prometheus prints it (Go's strconv 'f', -1): shortest digits, never an exponent. */
export const formatValue = formatGoFloat;

/** Seconds as Prometheus writes them in [t, "v"] pairs: a JSON number with millisecond precision. */
const secs = (ms: number) => ms / 1000;

function labelsObject(l: Labels): Record<string, string> {
  const o: Record<string, string> = {};
  for (const [k, v] of l) o[k] = v;
  return o;
}

/** `{resultType, result}` of a query answer. */
export function promData(v: PromValue): { resultType: string; result: unknown } {
  switch (v.type) {
    case 'scalar': return { resultType: 'scalar', result: [secs(v.t), formatValue(v.v)] };
    case 'string': return { resultType: 'string', result: [secs(v.t), v.v] };
    case 'vector':
      return { resultType: 'vector', result: v.samples.map((s) => ({ metric: labelsObject(s.labels), value: [secs(s.t), formatValue(s.v)] })) };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: v.series.map((s) => {
          const values = new Array(s.t.length);
          for (let i = 0; i < s.t.length; i++) values[i] = [secs(s.t[i]!), formatValue(s.v[i]!)];
          return { metric: labelsObject(s.labels), values };
        }),
      };
  }
}

/** A growing byte buffer that text is written into as UTF-8 (the parts die young; no long string is ever built). */
class ByteText {
  private buf = Buffer.allocUnsafe(1 << 16);
  private n = 0;
  put(s: string): void {
    if (this.n + s.length * 3 > this.buf.length) this.room(s.length * 3);
    this.n += this.buf.write(s, this.n, 'utf8');
  }
  /** Text known to be ASCII (numbers, punctuation), copied code by code: no call into the runtime per piece. */
  ascii(s: string): void {
    if (this.n + s.length > this.buf.length) { this.put(s); return; }
    const b = this.buf;
    let n = this.n;
    for (let k = 0; k < s.length; k++) b[n++] = s.charCodeAt(k);
    this.n = n;
  }
  /**
   * One `[t,"v"]` of a matrix (`,` first unless it is a series' first), its time as secs() and its value as formatValue
   * print them, written as digits straight into the buffer (goFloatInto: the same text without a string per number;
   * a time in whole ms has at most 3 decimals, and JS prints such a number as Go does).
   */
  point(comma: boolean, t: number, v: number): void {
    if (this.n + 64 > this.buf.length) this.room(64);
    const b = this.buf;
    let n = this.n;
    if (comma) b[n++] = 44; // ,
    b[n++] = 91; // [
    const at = goFloatInto(secs(t), b, n);
    if (at < 0) { this.n = n; this.ascii(`${secs(t)},"`); }
    else { b[at] = 44; b[at + 1] = 34; this.n = at + 2; } // ,"
    n = this.n;
    const end = n + 26 <= this.buf.length ? goFloatInto(v, this.buf, n) : -1;
    if (end < 0) { this.ascii(formatValue(v)); this.ascii('"]'); return; }
    this.buf[end] = 34; // "
    this.buf[end + 1] = 93; // ]
    this.n = end + 2;
  }
  private room(extra: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + extra));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

/**
 * The success envelope of a query answer as JSON, written straight into bytes series by series: a matrix of many
 * points would otherwise become one array and one string per point before JSON.stringify walks them again, or one long
 * string of pieces that lives (and is copied by the collector) until the answer is sent. Same text as
 * promSuccess(promData(v), warnings, infos).
 */
export function promValueReply(v: PromValue, notes?: { warnings: Iterable<string>; infos: Iterable<string> }): HttpReply {
  if (v.type !== 'matrix' && v.type !== 'vector') return promSuccess(promData(v), notes?.warnings, notes?.infos);
  const out = new ByteText();
  out.put(`{"status":"success","data":{"resultType":"${v.type}","result":[`);
  if (v.type === 'vector') {
    v.samples.forEach((x, k) => out.put(`${k ? ',' : ''}{"metric":${JSON.stringify(labelsObject(x.labels))},"value":[${secs(x.t)},"${formatValue(x.v)}"]}`));
  } else {
    v.series.forEach((x, k) => {
      out.put(`${k ? ',' : ''}{"metric":${JSON.stringify(labelsObject(x.labels))},"values":[`);
      for (let i = 0; i < x.t.length; i++) out.point(i > 0, x.t[i]!, x.v[i]!);
      out.ascii(']}');
    });
  }
  const extra = JSON.stringify(annotationFields(notes?.warnings, notes?.infos));
  out.put(extra === '{}' ? ']}}' : `]},${extra.slice(1)}`);
  return { status: 200, contentType: 'application/json', body: out.bytes() };
}

/** The widest times a scan can take (int64 ns): what an absent start/end means for labels and series. */
export const MIN_TIME_MS = -9_223_372_036_854;
export const MAX_TIME_MS = 9_223_372_036_854;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** A time parameter: Unix seconds (float) or RFC 3339; ms. */
export function parseTime(name: string, s: string | null, dflt: number): number {
  if (s === null || s === '') return dflt;
  const n = Number(s);
  if (s.trim() !== '' && Number.isFinite(n)) return Math.min(MAX_TIME_MS, Math.max(MIN_TIME_MS, Math.round(n * 1000)));
  if (RFC3339.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  // Prometheus's own spellings of the extremes (what Grafana sends for "all time")
  if (s === '-292273086-05-16T16:47:06Z') return MIN_TIME_MS;
  if (s === '292277025-08-18T07:12:54.999999999Z') return MAX_TIME_MS;
  throw new PromBadData(`invalid parameter "${name}": cannot parse "${s}" to a valid timestamp`);
}

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** A duration parameter: float seconds or a Prometheus duration (`1m30s`); ms. */
export function parseDuration(name: string, s: string | null): number {
  if (s === null || s === '') throw new PromBadData(`invalid parameter "${name}": cannot parse "" to a valid duration`);
  const n = Number(s);
  if (Number.isFinite(n)) return Math.round(n * 1000);
  const m = DURATION.exec(s);
  if (m && s !== '') {
    const [, y, w, d, h, mi, sec, ms] = m.map((x) => Number(x ?? 0));
    return ((((y! * 365 + w! * 7 + d!) * 24 + h!) * 60 + mi!) * 60 + sec!) * 1000 + ms!;
  }
  throw new PromBadData(`invalid parameter "${name}": cannot parse "${s}" to a valid duration`);
}
