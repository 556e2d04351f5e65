// Issue 9, "what must hold": values at the edges written by line protocol, JSON rows and SQL INSERT read back
// exactly through /v1/sql as JSON, CSV and Arrow, and through `eddy read` (one real node, a handful of runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tableFromIPC, Type, TimeUnit as ArrowUnit, type Data } from 'apache-arrow';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { natsClient, startNode, tempDir, writeLp } from '../../harness/index.ts';
import type { EddyNode } from '../../../actors/node.ts';
import { Buckets, Subjects, regionIdOf, systemClock } from '../../../core/index.ts';
import { exactJson } from '../../../core/query/index.ts';
import { Catalog } from '../../../actors/catalog/catalog.ts';
import { scanRegion } from '../../../actors/runtime/scan_client.ts';
import { batchRowsToJson } from '../../../actors/tools/rows.ts';
import { floatOf, numText, parseCsv, parseExactJson } from '../../core/query/output/decode.ts';

/**
 * SQL's own int64 arithmetic (issue 9 item 1, another change) still carries integers as doubles between the scan
 * and the output: until it lands, the /v1/sql checks use the int64 column `i` within +-2^53 and skip `ib`/`u`
 * (full int64/uint64 range). `eddy read` checks the full range now. Set to true once item 1 is merged.
 */
const SQL_INT64_EXACT = true;

const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n, U64_MAX = 2n ** 64n - 1n, SAFE = 2n ** 53n;
const NS = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n } as const;
/** Nanosecond times whose ISO form has a 4-digit year (all of int64 but the last microseconds before 2262-04-11). */
const TS_MIN = -9_223_372_036_000_000_000n, TS_MAX = 9_223_372_036_000_000_000n;

interface Row {
  i: bigint; ib: bigint; u: bigint; f: number; s: string; b: boolean;
  ts: bigint; t0: bigint; t3: bigint; t6: bigint;
}
type Path = 'lp' | 'json' | 'sql';

const big = (min: bigint, max: bigint, edges: bigint[]) => fc.oneof(fc.constantFrom(...edges), fc.bigInt({ min, max }));
const timeAt = (unit: bigint) => big(TS_MIN / unit, TS_MAX / unit, [TS_MIN / unit, TS_MAX / unit, 0n, -1n, 1n]).map((x) => x * unit);
const finite = fc.oneof(fc.constantFrom(-0, 0, 5e-324, -5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1), fc.double({ noNaN: true, noDefaultInfinity: true }));
const str = fc.oneof(fc.constantFrom('', '"', ',', 'a,"b"\nc', '😀𝄞', '\\', "'", 'null'), fc.string({ unit: 'grapheme', maxLength: 12 }));
const rowArb: fc.Arbitrary<Row> = fc.record({
  i: big(-SAFE, SAFE, [-SAFE, SAFE, 0n, -1n]),
  ib: big(I64_MIN, I64_MAX, [I64_MIN, I64_MAX, SAFE + 1n]),
  u: big(0n, U64_MAX, [0n, U64_MAX, 2n ** 63n]),
  f: finite, s: str, b: fc.boolean(),
  ts: big(TS_MIN, TS_MAX, [TS_MIN, TS_MAX, 1n, 0n, -1n, 1700000000123456789n]),
  t0: timeAt(NS.s), t3: timeAt(NS.ms), t6: timeAt(NS.us),
});

/** RFC 3339 with nine fraction digits: exact for any nanosecond time in years 1000..9999. */
function iso(ns: bigint): string {
  let ms = ns / 1_000_000n;
  if (ns < 0n && ms * 1_000_000n !== ns) ms -= 1n;
  const frac = ns - ms * 1_000_000n;
  const d = new Date(Number(ms)).toISOString();
  return `${d.slice(0, 23)}${frac.toString().padStart(6, '0')}Z`;
}
const lpString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

describe('every value type round-trips through every way in and out (issue 9)', () => {
  const dir = tempDir();
  let node: EddyNode & { url: string };
  let nc: NatsConnection;
  let run = 0;

  const sql = async (q: string, format = 'greptimedb_v1'): Promise<Response> => {
    const r = await fetch(`${node.url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q, format }) });
    if (r.status !== 200) throw new Error(`${q.slice(0, 200)}: ${r.status} ${await r.text()}`);
    return r;
  };

  beforeAll(async () => {
    node = await startNode({ data: dir.path });
    nc = await natsClient(`nats://127.0.0.1:${node.config.natsPort}`);
  });
  afterAll(async () => {
    await nc?.close();
    await node?.stop();
    dir.cleanup();
  });

  async function write(path: Path, table: string, rows: Row[]): Promise<void> {
    const cols = path === 'sql' ? ', t0 TIMESTAMP(0), t3 TIMESTAMP(3), t6 TIMESTAMP(6)' : '';
    await sql(`CREATE TABLE ${table} (k STRING, i BIGINT, ib BIGINT, u BIGINT UNSIGNED, f DOUBLE, s STRING, b BOOLEAN${cols}, ts TIMESTAMP(9) TIME INDEX, PRIMARY KEY (k))`);
    if (path === 'lp') {
      const lp = rows.map((r, n) => `${table},k=r${n} i=${r.i}i,ib=${r.ib}i,u=${r.u}u,f=${Object.is(r.f, -0) ? '-0' : r.f},s=${lpString(r.s)},b=${r.b} ${r.ts}`).join('\n');
      const reply = await writeLp(nc, 'public', lp);
      expect(reply).toMatchObject({ ok: true, rows: rows.length });
    } else if (path === 'json') {
      // JSON numbers beyond 2^53 do not survive a JSON parser: ib and u go as their safe part.
      // exactJson: JSON.stringify would write -0 as 0.
      const body = exactJson(rows.map((r, n) => ({ k: `r${n}`, i: Number(r.i), f: r.f, s: r.s, b: r.b, ts: iso(r.ts) })));
      const h = natsHeaders();
      h.set('Content-Type', 'application/json');
      const m = await nc.request(`${Subjects.write('public')}.${table}`, new TextEncoder().encode(body), { timeout: 30_000, headers: h });
      expect(JSON.parse(new TextDecoder().decode(m.data))).toMatchObject({ ok: true, rows: rows.length });
    } else {
      const ib = (x: bigint) => (SQL_INT64_EXACT ? x.toString() : '0');
      const values = rows.map((r, n) => `('r${n}', ${r.i}, ${ib(r.ib)}, ${SQL_INT64_EXACT ? r.u : 0}, ${Object.is(r.f, -0) ? '-0.0' : r.f}, ${sqlString(r.s)}, ${r.b}, '${iso(r.t0)}', '${iso(r.t3)}', '${iso(r.t6)}', '${iso(r.ts)}')`);
      await sql(`INSERT INTO ${table} (k, i, ib, u, f, s, b, t0, t3, t6, ts) VALUES ${values.join(', ')}`);
    }
  }

  /** The columns a path wrote, with the value it must read back (as text for integers and times). */
  function expected(path: Path, rows: Row[]): { name: string; kind: 'int' | 'float' | 'str' | 'bool' | 'ts'; unit?: bigint; values: (string | number | boolean)[] }[] {
    const cols: ReturnType<typeof expected> = [
      { name: 'i', kind: 'int', values: rows.map((r) => r.i.toString()) },
      { name: 'f', kind: 'float', values: rows.map((r) => r.f) },
      { name: 's', kind: 'str', values: rows.map((r) => r.s) },
      { name: 'b', kind: 'bool', values: rows.map((r) => r.b) },
      { name: 'ts', kind: 'ts', unit: 1n, values: rows.map((r) => r.ts.toString()) },
    ];
    if (SQL_INT64_EXACT && path !== 'json') {
      cols.push({ name: 'ib', kind: 'int', values: rows.map((r) => r.ib.toString()) }, { name: 'u', kind: 'int', values: rows.map((r) => r.u.toString()) });
    }
    if (path === 'sql') {
      cols.push(
        { name: 't0', kind: 'ts', unit: NS.s, values: rows.map((r) => (r.t0 / NS.s).toString()) },
        { name: 't3', kind: 'ts', unit: NS.ms, values: rows.map((r) => (r.t3 / NS.ms).toString()) },
        { name: 't6', kind: 'ts', unit: NS.us, values: rows.map((r) => (r.t6 / NS.us).toString()) },
      );
    }
    return cols;
  }

  async function checkOutputs(path: Path, table: string, rows: Row[]): Promise<void> {
    const cols = expected(path, rows);
    // k is r<n>: order by n through its length first.
    const q = `SELECT ${cols.map((c) => c.name).join(', ')} FROM ${table} ORDER BY length(k), k`;
    const json = parseExactJson(await (await sql(q)).text()) as { output: { records: { rows: unknown[][] } }[] };
    const jrows = json.output[0]!.records.rows;
    const csv = parseCsv(await (await sql(q, 'csv')).text());
    const arrow = tableFromIPC(new Uint8Array(await (await sql(q, 'arrow')).arrayBuffer()));
    expect(jrows.length).toBe(rows.length);
    expect(csv.length).toBe(rows.length);
    expect(arrow.numRows).toBe(rows.length);
    cols.forEach((c, j) => {
      const vec = arrow.getChild(c.name)!;
      const type = vec.type as { typeId: Type; unit?: ArrowUnit; bitWidth?: number };
      const d = vec.data[0] as Data;
      if (c.kind === 'ts') expect([type.typeId, type.unit]).toEqual([Type.Timestamp, { 1: ArrowUnit.NANOSECOND, 1000: ArrowUnit.MICROSECOND, 1000000: ArrowUnit.MILLISECOND, 1000000000: ArrowUnit.SECOND }[String(c.unit)]]);
      if (c.kind === 'int') expect([type.typeId, type.bitWidth]).toEqual([Type.Int, 64]);
      c.values.forEach((want, n) => {
        const at = `${path} ${c.name} row ${n}`;
        if (c.kind === 'int' || c.kind === 'ts') {
          expect(numText(jrows[n]![j]), at).toBe(want);
          expect(csv[n]![j], at).toBe(want);
          expect((d.values as BigInt64Array)[d.offset + n]!.toString(), at).toBe(want);
        } else if (c.kind === 'float') {
          expect(Object.is(Number(numText(jrows[n]![j])), want), `${at} json ${numText(jrows[n]![j])}`).toBe(true);
          expect(Object.is(floatOf(csv[n]![j]!), want), `${at} csv ${csv[n]![j]}`).toBe(true);
          expect(Object.is(vec.get(n), want), `${at} arrow`).toBe(true);
        } else {
          expect(jrows[n]![j], at).toBe(want);
          expect(csv[n]![j], at).toBe(c.kind === 'bool' ? String(want) : want);
          expect(vec.get(n), at).toBe(want);
        }
      });
    });
  }

  /** `eddy read`'s lines for a table, ordered by k's number. */
  async function eddyRead(table: string): Promise<Record<string, unknown>[]> {
    const kv = await new Kvm(jetstream(nc)).open(Buckets.catalog);
    const schema = await new Catalog(kv, systemClock).requireTable('public', table);
    const lines: string[] = [];
    for (let n = 0; n < schema.regions; n++) for (const b of await scanRegion(nc, regionIdOf(schema.id, n), {})) lines.push(...batchRowsToJson(b));
    const rows = lines.map((l) => parseExactJson(l) as Record<string, unknown>);
    return rows.sort((a, b) => Number((a.k as string).slice(1)) - Number((b.k as string).slice(1)));
  }

  it('line protocol, JSON rows and SQL INSERT in; JSON, CSV, Arrow and eddy read out', async () => {
    await fc.assert(fc.asyncProperty(fc.uniqueArray(rowArb, { minLength: 1, maxLength: 8, selector: (r) => r.ts }), async (rows) => {
      run++;
      for (const path of ['lp', 'json', 'sql'] as const) {
        const table = `rt_${path}_${run}`;
        await write(path, table, rows);
        await checkOutputs(path, table, rows);
      }
      // eddy read of the line-protocol table: the full int64/uint64 range, exact JSON numbers.
      const read = await eddyRead(`rt_lp_${run}`);
      expect(read.length).toBe(rows.length);
      rows.forEach((r, n) => {
        const got = read[n]!;
        expect([numText(got.i), numText(got.ib), numText(got.u), numText(got.ts)]).toEqual([r.i, r.ib, r.u, r.ts].map(String));
        expect(Object.is(Number(numText(got.f)), r.f)).toBe(true);
        expect([got.s, got.b]).toEqual([r.s, r.b]);
      });
    }), { numRuns: 4 });
  });

  it('NaN and +-Inf: JSON strings of their display text (inf, -inf, NaN), CSV and Arrow keep them', async () => {
    await sql('CREATE TABLE nan_t (k STRING, f DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (k))');
    await sql("INSERT INTO nan_t VALUES ('a', 'inf'::DOUBLE, 1), ('b', '-inf'::DOUBLE, 2), ('c', 'NaN'::DOUBLE, 3)");
    const q = 'SELECT f FROM nan_t ORDER BY k';
    const json = JSON.parse(await (await sql(q)).text()) as { output: { records: { rows: unknown[][] } }[] };
    expect(json.output[0]!.records.rows).toEqual([['inf'], ['-inf'], ['NaN']]);
    const csv = parseCsv(await (await sql(q, 'csv')).text()).map((r) => floatOf(r[0]!));
    const arrow = [...tableFromIPC(new Uint8Array(await (await sql(q, 'arrow')).arrayBuffer())).getChild('f')!];
    expect(csv.slice(0, 2)).toEqual([Infinity, -Infinity]);
    expect(arrow.slice(0, 2)).toEqual([Infinity, -Infinity]);
    // 'NaN'::DOUBLE is the evaluator's (another change): when it yields NaN, both formats must keep it.
    if (arrow[2] !== null) {
      expect(Number.isNaN(csv[2])).toBe(true);
      expect(Number.isNaN(arrow[2] as number)).toBe(true);
    }
  });
  it('information_schema.flows times are the clock readings of create, update and the last execution; SSE keeps ns digits', async () => {
    await sql('CREATE TABLE fsrc (host STRING, v DOUBLE, ts TIMESTAMP(9) TIME INDEX, PRIMARY KEY (host))');
    const before = Date.now();
    await sql(`CREATE FLOW fexact SINK TO fexact_out AS SELECT host, max(ts) AS last, count(v) AS c, date_bin(INTERVAL '1 minute', ts) AS w FROM fsrc GROUP BY host, w`);
    const after = Date.now();
    const times = async () => (JSON.parse(await (await sql("SELECT created_time, updated_time, last_execution_time FROM information_schema.flows WHERE flow_name = 'fexact'")).text()) as { output: { records: { rows: (number | null)[][]; schema: { column_schemas: { data_type: string }[] } } }[] }).output[0]!.records;
    const t0 = await times();
    expect(t0.schema.column_schemas.map((c) => c.data_type)).toEqual(['TimestampMillisecond', 'TimestampMillisecond', 'TimestampMillisecond']);
    const [created, updated, last] = t0.rows[0]!;
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(after);
    expect(updated).toBe(created);
    // GreptimeDB shows NULL until the flow has run.
    expect(last).toBeNull();

    expect((await writeLp(nc, 'public', 'fsrc,host=a v=1 1700000000123456789')).ok).toBe(true);
    const ranFrom = Date.now();
    await sql("ADMIN flush_flow('fexact')");
    const ran = (await times()).rows[0]![2]!;
    expect(ran).toBeGreaterThanOrEqual(ranFrom - 1000);
    expect(ran).toBeLessThanOrEqual(Date.now());

    // The live snapshot over SSE: the ns time as ms with its exact fraction, not rounded through a double.
    const ctl = new AbortController();
    const res = await fetch(`${node.url}/v1/flows/fexact/subscribe?db=public&snapshot=true`, { signal: ctl.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!/event: snapshot\ndata: .*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ctl.abort();
    const data = /event: snapshot\ndata: (.*)\n/.exec(text)![1]!;
    expect(data).toContain('"last":1700000000123.456789');
    await sql('DROP FLOW fexact');
  });
});
