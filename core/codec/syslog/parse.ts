// Syslog messages, RFC 5424 and RFC 3164 (BSD), parsed straight into columns (no object per message): timestamp, host,
// app, procid, msgid, facility, severity, message and RFC 5424 structured data (as a JSON object).
import { TimeCol, setNs, wordsOf, type PipelineColumn } from '../../pipeline/index.ts';

export const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'] as const;
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** Why a frame is not a syslog message, and where (0-based character). */
export interface SyslogFault {
  reason: string;
  at: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;
const BSD_TIME = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) /;

/** Messages parsed so far, as columns; `columns()` hands them over and starts empty again. */
export class SyslogColumns {
  private sec: number[] = [];
  private nanos: number[] = [];
  private host: (string | null)[] = [];
  private app: (string | null)[] = [];
  private procid: (string | null)[] = [];
  private msgid: (string | null)[] = [];
  private facility: string[] = [];
  private severity: string[] = [];
  private message: (string | null)[] = [];
  private sd: (Record<string, Record<string, string>> | null)[] = [];

  get length(): number {
    return this.sec.length;
  }

  /**
   * Parses one message (a frame without its framing) and appends it; returns the fault instead when it is not syslog.
   * `nowMs` stands in for a missing timestamp (and gives an RFC 3164 timestamp its year); `peer` for a missing host.
   */
  add(text: string, nowMs: number, peer: string | null): SyslogFault | null {
    // senders often end an octet-counted frame with LF (rsyslog's RFC 5424 template does): not part of the message
    if (text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
    let i = 0;
    if (text[0] !== '<') return { reason: "expected '<' starting the PRI", at: 0 };
    i = 1;
    const priStart = i;
    while (i < text.length && i - priStart < 4 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (text[i] !== '>' || i === priStart || i - priStart > 3 || (text[priStart] === '0' && i - priStart > 1)) return { reason: 'PRI is not 1 to 3 digits closed by >', at: priStart };
    const pri = Number(text.slice(priStart, i));
    if (pri > 191) return { reason: `PRI ${pri} is over 191`, at: priStart };
    i++;
    const f = this.rfc5424(text, i, nowMs) ?? null;
    if (f === 'bsd') this.rfc3164(text, i, nowMs, peer);
    else if (f !== null) return f;
    this.facility.push(FACILITIES[pri >> 3]!);
    this.severity.push(SEVERITIES[pri & 7]!);
    return null;
  }

  /** RFC 5424 after the PRI; 'bsd' when the version is not there (an RFC 3164 message). */
  private rfc5424(text: string, start: number, nowMs: number): SyslogFault | 'bsd' | undefined {
    if (!(text[start] === '1' && text[start + 1] === ' ')) return 'bsd';
    let i = start + 2;
    const field = (what: string, max: number): string | null | SyslogFault => {
      const end = text.indexOf(' ', i);
      const e = end < 0 ? text.length : end;
      const v = text.slice(i, e);
      if (v === '') return { reason: `empty ${what}`, at: i };
      if (v.length > max) return { reason: `${what} is longer than ${max} characters`, at: i };
      i = e + 1;
      return v === '-' ? null : v;
    };
    const tsAt = i;
    const ts = field('TIMESTAMP', 64);
    if (typeof ts === 'object' && ts !== null) return ts;
    let sec: number;
    let nanos: number;
    if (ts === null) { sec = Math.floor(nowMs / 1000); nanos = Math.round((nowMs - sec * 1000) * 1e6); } else {
      const m = RFC3339.exec(ts);
      if (!m) return { reason: `TIMESTAMP '${ts}' is not RFC 3339`, at: tsAt };
      const off = m[8]!.toUpperCase() === 'Z' ? 0 : (m[8]![0] === '-' ? -1 : 1) * (Number(m[8]!.slice(1, 3)) * 60 + Number(m[8]!.slice(4, 6)));
      const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
      if (Number.isNaN(ms) || +m[2]! > 12 || +m[3]! > 31 || +m[4]! > 23 || +m[5]! > 59 || +m[6]! > 60) return { reason: `TIMESTAMP '${ts}' is out of range`, at: tsAt };
      sec = ms / 1000 - off * 60;
      nanos = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
    }
    const host = field('HOSTNAME', 255);
    if (typeof host === 'object' && host !== null) return host;
    const app = field('APP-NAME', 48);
    if (typeof app === 'object' && app !== null) return app;
    const procid = field('PROCID', 128);
    if (typeof procid === 'object' && procid !== null) return procid;
    const msgid = field('MSGID', 32);
    if (typeof msgid === 'object' && msgid !== null) return msgid;
    let sd: Record<string, Record<string, string>> | null = null;
    if (text[i] === '-') i += 1;
    else if (text[i] === '[') {
      const r = structuredData(text, i);
      if ('reason' in r) return r;
      sd = r.sd;
      i = r.end;
    } else return { reason: "expected STRUCTURED-DATA ('-' or '[')", at: i };
    let msg: string | null = null;
    if (i < text.length) {
      if (text[i] !== ' ') return { reason: 'expected a space before MSG', at: i };
      msg = text.slice(i + 1);
      if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1);
    }
    this.push(sec, nanos, host, app, procid, msgid, msg, sd);
    return undefined;
  }

  /** RFC 3164: `Mmm dd hh:mm:ss HOST TAG[pid]: MSG`; anything unparsed is the message (as relays treat it). */
  private rfc3164(text: string, start: number, nowMs: number, peer: string | null): void {
    let i = start;
    let sec = Math.floor(nowMs / 1000);
    let nanos = Math.round((nowMs - sec * 1000) * 1e6);
    let host: string | null = peer;
    const m = BSD_TIME.exec(text.slice(i, i + 16));
    if (m && MONTHS[m[1]!] !== undefined) {
      // No year in RFC 3164: this year, or last year when that would put the message over a month in the future.
      const now = new Date(nowMs);
      let year = now.getUTCFullYear();
      let ms = Date.UTC(year, MONTHS[m[1]!]!, Number(m[2]!.trim()), +m[3]!, +m[4]!, +m[5]!);
      if (ms - nowMs > 31 * 86_400_000) ms = Date.UTC(--year, MONTHS[m[1]!]!, Number(m[2]!.trim()), +m[3]!, +m[4]!, +m[5]!);
      sec = ms / 1000;
      nanos = 0;
      i += 16;
      const sp = text.indexOf(' ', i);
      if (sp > i) { host = text.slice(i, sp); i = sp + 1; }
    }
    // TAG: up to 32 characters of [A-Za-z0-9_./-], then "[pid]" and/or ":"
    let app: string | null = null;
    let procid: string | null = null;
    let j = i;
    while (j < text.length && j - i <= 48 && /[\w./-]/.test(text[j]!)) j++;
    if (j > i && (text[j] === ':' || text[j] === '[')) {
      app = text.slice(i, j);
      if (text[j] === '[') {
        const close = text.indexOf(']', j);
        if (close > j && close - j < 130) { procid = text.slice(j + 1, close); j = close + 1; }
      }
      if (text[j] === ':') j++;
      if (text[j] === ' ') j++;
      i = j;
    }
    this.push(sec, nanos, host, app, procid, null, text.slice(i), null);
  }

  private push(sec: number, nanos: number, host: string | null, app: string | null, procid: string | null, msgid: string | null, msg: string | null, sd: Record<string, Record<string, string>> | null): void {
    this.sec.push(sec);
    this.nanos.push(nanos);
    this.host.push(host);
    this.app.push(app);
    this.procid.push(procid);
    this.msgid.push(msgid);
    this.message.push(msg);
    this.sd.push(sd);
  }

  /** The messages as pipeline columns (named as the syslog table's columns); empties this builder. */
  columns(): { n: number; columns: Map<string, PipelineColumn> } {
    const n = this.sec.length;
    const ts = new TimeCol(n, 'ns');
    const w = wordsOf(ts.ns);
    for (let k = 0; k < n; k++) { setNs(w, ts.ns, k, this.sec[k]!, this.nanos[k]!); ts.valid[k] = 1; }
    const columns = new Map<string, PipelineColumn>([
      ['timestamp', ts], ['host', this.host], ['app', this.app], ['procid', this.procid], ['msgid', this.msgid],
      ['facility', this.facility], ['severity', this.severity], ['message', this.message], ['structured_data', this.sd],
    ]);
    this.sec = []; this.nanos = []; this.host = []; this.app = []; this.procid = []; this.msgid = [];
    this.facility = []; this.severity = []; this.message = []; this.sd = [];
    return { n, columns };
  }
}

/** RFC 5424 STRUCTURED-DATA from `[` at `start`: `[id name="value" ...]...` with `\"`, `\\` and `\]` escapes. */
function structuredData(text: string, start: number): { sd: Record<string, Record<string, string>>; end: number } | SyslogFault {
  // null-prototype objects: an SD-ID or PARAM-NAME '__proto__' is a plain key
  const sd: Record<string, Record<string, string>> = Object.create(null);
  let i = start;
  const NAME = /[^\s=\]"]/;
  while (text[i] === '[') {
    i++;
    const idStart = i;
    while (i < text.length && NAME.test(text[i]!)) i++;
    if (i === idStart || i - idStart > 32) return { reason: 'SD-ID is empty or longer than 32 characters', at: idStart };
    const id = text.slice(idStart, i);
    if (Object.prototype.hasOwnProperty.call(sd, id)) return { reason: `SD-ID '${id}' appears twice`, at: idStart };
    const params: Record<string, string> = Object.create(null);
    sd[id] = params;
    for (;;) {
      if (text[i] === ']') { i++; break; }
      if (text[i] !== ' ') return { reason: "expected ' ' or ']' in SD-ELEMENT", at: i };
      i++;
      const nStart = i;
      while (i < text.length && NAME.test(text[i]!)) i++;
      if (i === nStart || i - nStart > 32) return { reason: 'PARAM-NAME is empty or longer than 32 characters', at: nStart };
      const name = text.slice(nStart, i);
      if (text[i] !== '=' || text[i + 1] !== '"') return { reason: `expected ="value" after PARAM-NAME '${name}'`, at: i };
      i += 2;
      let v = '';
      for (;;) {
        if (i >= text.length) return { reason: 'unterminated PARAM-VALUE', at: i };
        const c = text[i]!;
        if (c === '"') { i++; break; }
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\' || text[i + 1] === ']')) { v += text[i + 1]; i += 2; continue; }
        v += c;
        i++;
      }
      params[name] = v;
    }
  }
  return { sd, end: i };
}
