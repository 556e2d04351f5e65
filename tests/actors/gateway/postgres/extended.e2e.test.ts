// The extended query protocol frame by frame over a raw socket (what drivers such as pgx and JDBC do): Describe of a
// statement (parameter and row types), named portals executed a few rows at a time (PortalSuspended), Close, errors
// skipping to Sync, a malformed frame answered with 08P01 and the connection closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { startNode, tempDir } from '../../../harness/index.ts';
import type { EddyNode } from '../../../../actors/node.ts';

let node: EddyNode & { url: string };
let dir: { path: string; cleanup: () => void };

const enc = new TextEncoder();
const cstr = (s: string) => [...enc.encode(s), 0];
const i16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const i32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
function msg(type: string | null, body: number[]): Buffer {
  const head = type === null ? [] : [type.charCodeAt(0)];
  return Buffer.from([...head, ...i32(body.length + 4), ...body]);
}

interface Reply { type: string; body: Buffer }

/** A minimal frontend: writes frames, reads backend messages one at a time. */
class Raw {
  private buf = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  closed = false;
  constructor(readonly sock: Socket) {
    sock.on('data', (d: Buffer) => { this.buf = Buffer.concat([this.buf, d]); this.waiting?.(); });
    sock.on('close', () => { this.closed = true; this.waiting?.(); });
  }
  static async open(port: number): Promise<Raw> {
    const sock = connect(port, '127.0.0.1');
    await once(sock, 'connect');
    const r = new Raw(sock);
    r.send(msg(null, [...i32(196608), ...cstr('user'), ...cstr('greptime'), ...cstr('database'), ...cstr('public'), 0]));
    await r.until('Z');
    return r;
  }
  send(...frames: Buffer[]): void { this.sock.write(Buffer.concat(frames)); }
  async next(): Promise<Reply | null> {
    for (;;) {
      if (this.buf.length >= 5) {
        const len = this.buf.readInt32BE(1);
        if (this.buf.length >= len + 1) {
          const r = { type: String.fromCharCode(this.buf[0]!), body: this.buf.subarray(5, len + 1) };
          this.buf = this.buf.subarray(len + 1);
          return r;
        }
      }
      if (this.closed) return null;
      await new Promise<void>((resolve) => { this.waiting = resolve; });
      this.waiting = null;
    }
  }
  /** Messages up to and including the first of type `last`. */
  async until(last: string): Promise<Reply[]> {
    const out: Reply[] = [];
    for (;;) {
      const m = await this.next();
      if (!m) return out;
      out.push(m);
      if (m.type === last) return out;
    }
  }
}

const parse = (name: string, sql: string, types: number[] = []) => msg('P', [...cstr(name), ...cstr(sql), ...i16(types.length), ...types.flatMap(i32)]);
const bind = (portal: string, stmt: string, params: (string | null)[], resultFormats: number[] = []) => msg('B', [
  ...cstr(portal), ...cstr(stmt), ...i16(0), ...i16(params.length),
  ...params.flatMap((p) => (p === null ? i32(-1) : [...i32(enc.encode(p).length), ...enc.encode(p)])),
  ...i16(resultFormats.length), ...resultFormats.flatMap(i16),
]);
const describeMsg = (kind: 'S' | 'P', name: string) => msg('D', [kind.charCodeAt(0), ...cstr(name)]);
const execute = (portal: string, max: number) => msg('E', [...cstr(portal), ...i32(max)]);
const close = (kind: 'S' | 'P', name: string) => msg('C', [kind.charCodeAt(0), ...cstr(name)]);
const sync = msg('S', []);
const types = (rs: Reply[]) => rs.map((r) => r.type).join('');
/** Text cells of a DataRow. */
function row(r: Reply): (string | null)[] {
  const n = r.body.readInt16BE(0);
  const out: (string | null)[] = [];
  let at = 2;
  for (let i = 0; i < n; i++) {
    const len = r.body.readInt32BE(at); at += 4;
    out.push(len < 0 ? null : r.body.subarray(at, at + len).toString()); at += Math.max(0, len);
  }
  return out;
}
/** (name, type oid) of each field of a RowDescription. */
function fieldsOf(r: Reply): [string, number][] {
  const out: [string, number][] = [];
  let at = 2;
  for (let i = 0; i < r.body.readInt16BE(0); i++) {
    const end = r.body.indexOf(0, at);
    out.push([r.body.subarray(at, end).toString(), r.body.readInt32BE(end + 1 + 6)]);
    at = end + 1 + 18;
  }
  return out;
}
/** Field fields of an ErrorResponse by code letter. */
function errorOf(r: Reply): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (r.body[at]) { const code = String.fromCharCode(r.body[at]!); const end = r.body.indexOf(0, at + 1); out[code] = r.body.subarray(at + 1, end).toString(); at = end + 1; }
  return out;
}

beforeAll(async () => {
  dir = tempDir();
  node = await startNode({ data: dir.path });
  const r = await Raw.open(node.postgresAddress!.port);
  r.send(msg('Q', cstr("CREATE TABLE m (host STRING, v DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)); INSERT INTO m SELECT concat('h', number), number * 0.5, number FROM numbers LIMIT 5")));
  expect(types(await r.until('Z'))).toBe('CCZ');
  r.sock.end();
});

afterAll(async () => {
  await node?.stop();
  dir?.cleanup();
});

describe('extended protocol', () => {
  it('describes a statement, then runs a named portal a few rows at a time', async () => {
    const r = await Raw.open(node.postgresAddress!.port);
    r.send(parse('q', 'SELECT host, v FROM m WHERE v >= $1 ORDER BY ts LIMIT $2', [701]), describeMsg('S', 'q'), sync);
    const d = await r.until('Z');
    expect(types(d)).toBe('1tTZ');
    const params = d[1]!.body;
    expect([params.readInt16BE(0), params.readInt32BE(2), params.readInt32BE(6)]).toEqual([2, 701, 20]);
    expect(d[2]!.body.readInt16BE(0)).toBe(2);
    r.send(bind('p', 'q', ['0.5', '10']), describeMsg('P', 'p'), execute('p', 2), sync);
    const first = await r.until('Z');
    expect(types(first)).toBe('2TDDsZ');
    expect(first.filter((m) => m.type === 'D').map(row)).toEqual([['h1', '0.5'], ['h2', '1']]);
    // the named portal outlives Sync; the next Execute goes on where it stopped
    r.send(execute('p', 1), execute('p', 0), sync);
    const rest = await r.until('Z');
    expect(types(rest)).toBe('DsDCZ');
    expect(rest.filter((m) => m.type === 'D').map(row)).toEqual([['h3', '1.5'], ['h4', '2']]);
    expect(rest.find((m) => m.type === 'C')!.body.toString()).toBe('SELECT 4\0');
    r.send(close('P', 'p'), close('S', 'q'), execute('p', 0), sync);
    const closed = await r.until('Z');
    expect(types(closed)).toBe('33EZ');
    expect(errorOf(closed[2]!)).toMatchObject({ C: '34000', M: 'portal "p" does not exist' });
    r.sock.end();
  });

  it('skips to Sync after an error and reports SQLSTATE with the position', async () => {
    const r = await Raw.open(node.postgresAddress!.port);
    r.send(parse('', 'SELECT nope FROM m'), bind('', '', []), execute('', 0), sync, parse('', 'SELECT count(*) FROM m'), bind('', '', []), execute('', 0), sync);
    const failed = await r.until('Z');
    // the column is looked up when the portal runs (Parse checks the syntax)
    expect(types(failed)).toBe('12EZ');
    expect(errorOf(failed[2]!)).toMatchObject({ S: 'ERROR', C: '42703', P: '8' });
    const ok = await r.until('Z');
    expect(types(ok)).toBe('12DCZ');
    expect(row(ok[2]!)).toEqual(['5']);
    r.send(parse('', 'SELECT $1::int4'), bind('', '', ['x']), sync);
    const bad = await r.until('Z');
    expect(errorOf(bad[1]!)).toMatchObject({ C: '22P02' });
    r.sock.end();
  });

  it('describes a statement without running it: no rows read, nothing changed', async () => {
    const r = await Raw.open(node.postgresAddress!.port);
    // casting 'h0' to BIGINT fails on the first row read: Describe reads none, so it answers the columns
    r.send(parse('agg', 'SELECT CAST(host AS BIGINT) AS n, count(*) AS c FROM m WHERE v >= $1 GROUP BY n', [701]), describeMsg('S', 'agg'), sync);
    const d = await r.until('Z');
    expect(types(d)).toBe('1tTZ');
    expect(fieldsOf(d[2]!)).toEqual([['n', 20], ['c', 20]]);
    r.send(bind('', 'agg', ['0']), execute('', 0), sync);
    const ran = await r.until('Z');
    expect(types(ran)).toBe('2EZ');
    expect(errorOf(ran[1]!).M).toMatch(/Cannot cast string 'h\d' to value of Int64 type/);
    // an ADMIN function acts when it runs: Describe cannot know its answer without acting, so it says NoData
    r.send(parse('fl', "ADMIN flush_table('m')"), describeMsg('S', 'fl'), parse('ins', 'INSERT INTO m VALUES ($1, 9, 9)', [25]), describeMsg('S', 'ins'), sync);
    expect(types(await r.until('Z'))).toBe('1tn1tnZ');
    r.send(msg('Q', cstr('SELECT count(*) FROM m')));
    expect(row((await r.until('Z')).find((m) => m.type === 'D')!)).toEqual(['5']);
    r.sock.end();
  });

  it('describes a bound portal without running it: the error of reading a row comes at Execute', async () => {
    const r = await Raw.open(node.postgresAddress!.port);
    r.send(parse('bad', 'SELECT CAST(host AS BIGINT) AS n FROM m WHERE v >= $1', [701]), bind('bp', 'bad', ['0']), describeMsg('P', 'bp'), sync);
    const d = await r.until('Z');
    // Describe answers the columns (reading a row would fail the cast)
    expect(types(d)).toBe('12TZ');
    expect(fieldsOf(d[2]!)).toEqual([['n', 20]]);
    r.send(execute('bp', 0), sync);
    const ran = await r.until('Z');
    expect(types(ran)).toBe('EZ');
    expect(errorOf(ran[0]!).M).toMatch(/Cannot cast string 'h\d' to value of Int64 type/);
    // a portal described then executed runs once: its rows come from Execute, all of them
    r.send(parse('ok', 'SELECT host FROM m WHERE v >= $1 ORDER BY host', [701]), bind('op', 'ok', ['1.5']), describeMsg('P', 'op'), execute('op', 0), sync);
    const once_ = await r.until('Z');
    expect(types(once_)).toBe('12TDDCZ');
    expect(once_.filter((m) => m.type === 'D').map(row)).toEqual([['h3'], ['h4']]);
    r.sock.end();
  });

  it('answers a malformed frame with 08P01 and closes the connection', async () => {
    const r = await Raw.open(node.postgresAddress!.port);
    r.send(Buffer.from([0x51, 0, 0, 0, 2]));
    const out = await r.until('never');
    expect(out.map((m) => m.type)).toEqual(['E']);
    expect(errorOf(out[0]!)).toMatchObject({ S: 'FATAL', C: '08P01' });
    expect(r.closed).toBe(true);
  });
});
