// The parse worker's fast path equals the in-place parse: same batches, or the same positioned error, on random input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeBatches, parseLineProtocol, valueAt, EddyError, type WriteBatch } from '../../../core/index.ts';
import { ParsePool } from '../../../actors/runtime/parse_pool.ts';
import { Kind, Parser } from '@nats-io/nats-core/internal';
import { messageBufferStats, presizeNatsMessageBuffers } from '../../../actors/runtime/nats_presize.ts';

const enc = new TextEncoder();

/** Batches as plain values, so typed arrays of different backing sizes compare equal when their rows do. */
function plain(batches: WriteBatch[]): unknown {
  return batches.map((b) => ({
    table: b.table,
    rows: b.rows,
    columns: b.columns.map((c) => ({
      name: c.name, type: c.type, semantic: c.semantic, unit: c.unit,
      values: Array.from({ length: b.rows }, (_, i) => { const v = valueAt(c, i); return typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v; }),
    })),
  }));
}

function inPlace(data: Uint8Array, precision: 'ns' | 'ms'): { ok: unknown } | { error: string; code: number } {
  try {
    return { ok: plain(parseLineProtocol(data, { precision, defaultTimeNs: 42n })) };
  } catch (e) {
    return { error: (e as Error).message, code: (e as EddyError).code };
  }
}

async function inWorker(pool: ParsePool, data: Uint8Array, precision: 'ns' | 'ms'): Promise<{ ok: unknown } | { error: string; code: number }> {
  const p = pool.parse(data, precision, 42n);
  if (p === null) throw new Error('no parse worker ready');
  try {
    const { batches, records } = await p;
    // Each batch's WAL record, encoded in the worker, reads back as that batch.
    expect(records.map((r) => plain(decodeBatches(r!, { dictionary: true })))).toEqual(batches.map((b) => plain([b])));
    return { ok: plain(batches) };
  } catch (e) {
    return { error: (e as Error).message, code: (e as EddyError).code };
  }
}

const ident = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '_', ' ', ',', '=', '\\', '"', 'é', '1'), minLength: 1, maxLength: 4 });
const fieldValue = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => `${v}i`),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((v) => `${v}u`),
  fc.constantFrom('t', 'f', 'true', 'FALSE'),
  fc.string({ maxLength: 5 }).map((s) => JSON.stringify(s)),
  fc.string({ maxLength: 4 }),
);
const line = fc.tuple(
  fc.constantFrom('cpu', 'mem', 'disk i/o'),
  fc.array(fc.tuple(ident, ident), { maxLength: 3 }),
  fc.array(fc.tuple(ident, fieldValue), { minLength: 1, maxLength: 3 }),
  fc.option(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 62n }), { nil: undefined }),
).map(([m, tags, fields, ts]) => {
  const esc = (s: string) => s.replace(/[ ,=\\]/g, (c) => `\\${c}`);
  const t = tags.map(([k, v]) => `,${esc(k)}=${esc(v)}`).join('');
  const f = fields.map(([k, v]) => `${esc(k)}=${v}`).join(',');
  return `${m.replace(/ /g, '\\ ')}${t} ${f}${ts === undefined ? '' : ` ${ts}`}`;
});
const payload = fc.tuple(fc.array(line, { minLength: 1, maxLength: 30 }), fc.option(fc.string({ unit: 'binary', maxLength: 6 }), { nil: undefined }), fc.nat())
  .map(([lines, junk, at]) => {
    // Now and then a stray piece of text lands somewhere in the payload: the error must be the same too.
    const text = lines.join('\n');
    if (junk === undefined) return text;
    const i = at % (text.length + 1);
    return text.slice(0, i) + junk + text.slice(i);
  });

describe('parse worker', () => {
  const pool = new ParsePool(2);
  beforeAll(async () => {
    expect(await pool.ready()).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await pool.stop();
  });

  it('parses like the main thread, batches or errors alike, and encodes WAL records of its batches (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(payload, fc.constantFrom('ns' as const, 'ms' as const), async (text, precision) => {
        const expected = inPlace(enc.encode(text), precision);
        // Encoded twice: the worker's copy is transferred (detached here), the other stays for the main thread.
        const got = await inWorker(pool, enc.encode(text), precision);
        expect(got).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes no WAL record for the tables the caller names, and the same batches', async () => {
    const text = 'cpu,host=a v=1 1000\nmem,host=a free=2i 1000\ncpu,host=b v=2 2000';
    const all = await pool.parse(enc.encode(text), 'ns', 0n)!;
    const some = await pool.parse(enc.encode(text), 'ns', 0n, ['cpu', 'disk'])!;
    expect(plain(some.batches)).toEqual(plain(all.batches));
    expect(some.batches.map((b) => b.table)).toEqual(['cpu', 'mem']);
    expect(some.records[0]).toBeUndefined();
    expect(plain(decodeBatches(some.records[1]!, { dictionary: true }))).toEqual(plain([some.batches[1]!]));
    expect(all.records.every((r) => r !== undefined)).toBe(true);
  });

  it('takes a payload by transfer when it owns its buffer, and copies a view into a larger one', async () => {
    const text = 'cpu,host=a v=1 1000\ncpu,host=b v=2 2000';
    const owned = enc.encode(text);
    const rows = (await pool.parse(owned, 'ns', 0n)!).batches;
    expect(rows[0]!.rows).toBe(2);
    expect(owned.byteLength).toBe(0);
    const big = enc.encode(`xx${text}yy`);
    const view = big.subarray(2, 2 + text.length);
    const again = (await pool.parse(view, 'ns', 0n)!).batches;
    expect(plain(again)).toEqual(plain(rows));
    expect(big.byteLength).toBe(text.length + 4);
    // A Node Buffer's slice() is a view, not a copy: the pool copies it, and the read buffer under it stays whole.
    const buf = Buffer.from(`xx${text}yy`);
    expect(plain((await pool.parse(buf.subarray(2, 2 + text.length), 'ns', 0n)!).batches)).toEqual(plain(rows));
    expect(buf.buffer.byteLength).toBeGreaterThan(0);
    expect(buf.toString()).toBe(`xx${text}yy`);
  });

  it("moves a presized NATS message's buffer to the worker whole and reuses it for the next message once parsed", async () => {
    presizeNatsMessageBuffers();
    /** The payloads nats.js hands out for these messages, each arriving in 64 KiB socket reads. */
    const received = (payloads: string[]): Uint8Array[] => {
      const got: Uint8Array[] = [];
      const p = new Parser({ push: (e: { kind: number; data?: Uint8Array }) => { if (e.kind === Kind.MSG && e.data) got.push(e.data); } } as never);
      const wire = enc.encode(payloads.map((pl, i) => `MSG eddy.ingest.public 1 ${enc.encode(pl).length}\r\n${pl}\r\n`.replace('1 ', `${i + 1} `)).join(''));
      for (let i = 0; i < wire.length; i += 65_536) p.parse(wire.slice(i, i + 65_536));
      return got;
    };
    const lines = (n: number, v: number) => Array.from({ length: n }, (_, i) => `cpu,host=h${i % 50} usage=${v + i} ${1_000 + i}`).join('\n');
    // A large payload, then a shorter one with other values: the second may land in the first's buffer, past whose
    // end stale bytes of the first remain; it must parse as its own text only.
    const texts = [lines(12_000, 0.5), lines(9_000, 7.25)];
    const before = { ...messageBufferStats };
    const [first] = received([texts[0]!]);
    expect(first!.byteOffset).toBe(0);
    const firstBuffer = first!.buffer;
    expect(plain((await pool.parse(first!, 'ns', 0n)!).batches)).toEqual((inPlace(enc.encode(texts[0]!), 'ns') as { ok: unknown }).ok);
    expect(firstBuffer.byteLength, 'moved to the worker without a copy').toBe(0);
    const [second] = received([texts[1]!]);
    expect(messageBufferStats.reused - before.reused, 'the second message reused the buffer the worker gave back').toBe(1);
    expect(second!.buffer.byteLength).toBeGreaterThan(second!.byteLength);
    expect(plain((await pool.parse(second!, 'ns', 0n)!).batches)).toEqual((inPlace(enc.encode(texts[1]!), 'ns') as { ok: unknown }).ok);
  });
});
