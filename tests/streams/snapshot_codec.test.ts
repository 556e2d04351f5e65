// The flow checkpoint's binary form: values round-trip exactly (fast-check), damage is refused, and a checkpoint of
// the older JSON form (a fixture written by that code) still restores to the same state.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { compileFlowSql, createFlow, decodeSnapshot, encodeSnapshot } from '../../streams/index.ts';
import type { FlowRow, FlowValue } from '../../streams/index.ts';
import { SnapshotReader, SnapshotWriter } from '../../streams/snapshot_codec.ts';
import { SEC, batchOf } from './helpers.ts';

const value: fc.Arbitrary<FlowValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
);

describe('flow checkpoint codec', () => {
  it('round-trips values and strings exactly, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.array(value, { maxLength: 8 }), { maxLength: 30 }), fc.array(fc.string({ unit: 'binary', maxLength: 500 })), (rows, strs) => {
        const w = new SnapshotWriter();
        for (const r of rows) w.values(r);
        for (const s of strs) w.str(s);
        const r = new SnapshotReader(w.written());
        for (const row of rows) expect(r.values()).toEqual(row);
        for (const s of strs) expect(r.str()).toBe(s);
        expect(r.done).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a cut-short buffer and an unknown tag with where it stopped', () => {
    const w = new SnapshotWriter();
    w.values([1.5, 'abc', 7n]);
    const b = w.written();
    expect(() => new SnapshotReader(b.subarray(0, b.length - 3)).values()).toThrow(/cut short at byte/);
    const bad = Uint8Array.from(b);
    bad[1] = 99;
    expect(() => new SnapshotReader(bad).values()).toThrow(/unknown value tag 99 at byte 1/);
  });
});

const SQL = `CREATE FLOW f SINK TO out AS SELECT host, count(*) AS c, sum(v) AS s, max(v) AS mx, date_bin(INTERVAL '1 minute', ts) AS w FROM t GROUP BY host, w`;
const plan = { ...compileFlowSql(SQL), allowedLatenessNs: 30n * SEC };

/** The rows the fixture was written from (tests/streams/fixtures/flow_checkpoint_v1.json, by the JSON-era code). */
function fixtureInput() {
  const rows = [] as { host: string; v: number | null; ts: bigint }[];
  for (let i = 0; i < 40; i++) rows.push({ host: ['a', 'b', 'ü-host'][i % 3]!, v: i % 7 === 0 ? null : i * 1.5, ts: BigInt(i) * 5n * SEC });
  return [batchOf('t', rows, { tags: ['host'] }), batchOf('t', [{ host: 'a', v: 100, ts: 10n * SEC }], { tags: ['host'] })];
}

/** Feeds a late overwrite into the newest window and returns what the flow emits for it, keyed. */
function after(flow: ReturnType<typeof createFlow>): Map<string, FlowRow['values']> {
  const out = new Map<string, FlowRow['values']>();
  flow.output$.subscribe((e) => { for (const r of e.rows) { const { update_at: _u, ...v } = r.values; out.set(`${r.windowStart}|${r.key}`, v); } });
  flow.push(batchOf('t', [{ host: 'a', v: 1000, ts: 165n * SEC }, { host: 'ü-host', v: 2, ts: 190n * SEC }], { tags: ['host'] }), 3);
  flow.flush();
  return out;
}

describe('flow checkpoints', () => {
  it('a checkpoint of the older JSON form restores the state it was taken of', () => {
    const direct = createFlow(plan, { scheduler: new VirtualTimeScheduler(), onError: (e) => { throw e; } });
    direct.output$.subscribe(() => undefined);
    fixtureInput().forEach((b, i) => direct.push(b, i + 1));
    direct.flush();
    const want = after(direct);

    const v1 = readFileSync(new URL('./fixtures/flow_checkpoint_v1.json', import.meta.url));
    const restored = createFlow(plan, { scheduler: new VirtualTimeScheduler(), onError: (e) => { throw e; } });
    restored.restore(decodeSnapshot(v1));
    const got = after(restored);
    expect(got.size).toBeGreaterThan(0);
    expect(got).toEqual(want);

    // and the binary form of the restored state gives the same again
    const again = createFlow(plan, { scheduler: new VirtualTimeScheduler(), onError: (e) => { throw e; } });
    const v1Again = createFlow(plan, { scheduler: new VirtualTimeScheduler(), onError: (e) => { throw e; } });
    v1Again.restore(decodeSnapshot(v1));
    const bytes = encodeSnapshot(v1Again.snapshot());
    expect(bytes[0]).toBe(2);
    again.restore(decodeSnapshot(bytes));
    expect(after(again)).toEqual(want);
  });
});

describe('incremental flow checkpoints', () => {
  it('write only the windows changed since their stored part, and restore to the same state', () => {
    let id = 1;
    const next = () => id++;
    const stored = new Map<number, Uint8Array>();
    const store = (parts: { id: number; bytes: Uint8Array | null }[]) => { for (const p of parts) if (p.bytes) stored.set(p.id, p.bytes); };
    const a = createFlow(plan, { scheduler: new VirtualTimeScheduler(), onError: (e) => { throw e; } });
    a.output$.subscribe(() => undefined);
    fixtureInput().forEach((b, i) => a.push(b, i + 1));
    a.flush();
    const first = a.checkpointParts(next);
    expect(first.parts.length).toBeGreaterThan(1);
    expect(first.parts.every((p) => p.bytes !== null)).toBe(true);
    store(first.parts);
    first.commit();

    // one row into the newest window: only that window is written again, under a new id
    a.push(batchOf('t', [{ host: 'b', v: 7, ts: 195n * SEC }], { tags: ['host'] }), 4);
    a.flush();
    const second = a.checkpointParts(next);
    const changed = second.parts.filter((p) => p.bytes !== null);
    expect(changed).toHaveLength(1);
    expect(first.parts.map((p) => p.id)).not.toContain(changed[0]!.id);
    for (const p of second.parts.filter((x) => x.bytes === null)) expect(first.parts.map((x) => x.id)).toContain(p.id);
    store(second.parts);

    // not committed (its storing failed): the next checkpoint writes that window again
    const retry = a.checkpointParts(next);
    expect(retry.parts.filter((p) => p.bytes !== null)).toHaveLength(1);
    store(retry.parts);
    retry.commit();
    expect(a.checkpointParts(next).parts.every((p) => p.bytes === null)).toBe(true);

    const b = createFlow(plan, { scheduler: new VirtualTimeScheduler(), onError: (e) => { throw e; } });
    b.restoreParts(retry.head, retry.parts.map((p) => ({ id: p.id, final: p.final, bytes: stored.get(p.id)! })));
    const want = after(a);
    expect(want.size).toBeGreaterThan(0);
    expect(after(b)).toEqual(want);
  });
});
