// The WAL's own JetStream publish (actors/runtime/wal_publish.ts): its PubAck reader against random answers
// (fast-check), and its appends on a real nats-server: stored in order, deduplicated, headers kept, many in flight,
// and each failure in the shape jsCall reads (no responders, no answer, a JetStream refusal).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Streams, Subjects } from '../../../core/index.ts';
import { ensureWalStream } from '../../../actors/runtime/wal.ts';
import { isNoLeader, isTimeout } from '../../../actors/runtime/js_call.ts';
import { PubAckFormatError, WalAppendRefusedError, parsePubAck, walPublisherOf, type WalPublisher } from '../../../actors/runtime/wal_publish.ts';
import { startNats } from '../../harness/index.ts';

const enc = new TextEncoder();
const SUBJECT = 'eddy.wal.1';

describe('parsePubAck', () => {
  it("reads nats-server's PubAck, any field order, domain or not, duplicate or not (fast-check)", () => {
    fc.assert(fc.property(
      fc.string({ minLength: 1 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.option(fc.string()), fc.option(fc.boolean()),
      fc.boolean(),
      (stream, seq, domain, duplicate, reversed) => {
        const o: Record<string, unknown> = { stream, seq };
        if (domain !== null) o.domain = domain;
        if (duplicate !== null) o.duplicate = duplicate;
        const text = JSON.stringify(reversed ? Object.fromEntries(Object.entries(o).reverse()) : o);
        expect(parsePubAck(enc.encode(text), SUBJECT)).toEqual({ seq, duplicate: duplicate === true });
      },
    ));
  });

  it('a JetStream error answer is a refusal naming its description and codes (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 10000, max: 10999 }), fc.string(), (code, errCode, description) => {
      const e = (() => { try { parsePubAck(enc.encode(JSON.stringify({ error: { code, err_code: errCode, description } })), SUBJECT); } catch (x) { return x; } return null; })();
      expect(e).toBeInstanceOf(WalAppendRefusedError);
      expect(e).toMatchObject({ code, errCode, description });
      expect((e as Error).message).toContain(`on ${SUBJECT}: ${description} (code ${code}, err_code ${errCode})`);
    }));
  });

  it('anything else is an error, never an ack: only an object with a stream and a positive integer seq passes (fast-check)', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));
    const answer = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.dictionary(fc.constantFrom('stream', 'seq', 'duplicate', 'domain', 'other'), value).map((o) => enc.encode(JSON.stringify(o))),
      fc.json().map((j) => enc.encode(j)),
    );
    fc.assert(fc.property(answer, (bytes) => {
      let got: unknown;
      try {
        got = parsePubAck(bytes, SUBJECT);
      } catch (e) {
        expect(e).toBeInstanceOf(PubAckFormatError);
        expect((e as Error).message).toContain(SUBJECT);
        return;
      }
      const o = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
      expect(typeof o.stream === 'string' && o.stream !== '' && Number.isSafeInteger(o.seq) && (o.seq as number) > 0).toBe(true);
      expect(o.duplicate === undefined || typeof o.duplicate === 'boolean').toBe(true);
      expect(got).toEqual({ seq: o.seq, duplicate: o.duplicate === true });
    }), { numRuns: 500 });
  });

  it('names the position of bad JSON and the bytes that are not UTF-8', () => {
    expect(() => parsePubAck(enc.encode('{"stream":"S","seq":1'), SUBJECT)).toThrow(/not JSON: .*position 21/);
    expect(() => parsePubAck(new Uint8Array([0x7b, 0xff]), SUBJECT)).toThrow(/not UTF-8 \(2 bytes\)/);
    expect(() => parsePubAck(enc.encode('{"stream":"S","seq":0}'), SUBJECT)).toThrow(/no positive integer "seq"/);
  });
});

describe('WAL publish on a real nats-server', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let pub: WalPublisher;
  beforeAll(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url });
    jsm = await jetstreamManager(nc);
    await ensureWalStream(jsm);
    pub = walPublisherOf(jetstream(nc));
  });
  afterAll(async () => {
    await nc.close();
    await nats.cleanup();
  });

  it('is one publisher per connection', () => {
    expect(walPublisherOf(jetstream(nc))).toBe(pub);
  });

  it("stores appends in order and answers each with its stream sequence, as nats.js's js.publish does", async () => {
    const a = await pub.publish(SUBJECT, new Uint8Array([1]), undefined, 5000);
    const b = await jetstream(nc).publish(SUBJECT, new Uint8Array([2]));
    const c = await pub.publish(SUBJECT, new Uint8Array([3]), undefined, 5000);
    expect([b.seq, c.seq]).toEqual([a.seq + 1, a.seq + 2]);
    expect([a.duplicate, c.duplicate]).toEqual([false, false]);
    expect((await jsm.streams.getMessage(Streams.wal, { seq: c.seq }))?.data).toEqual(new Uint8Array([3]));
  });

  it('keeps the headers and deduplicates by Nats-Msg-Id', async () => {
    const h = () => { const x = natsHeaders(); x.set('Nats-Msg-Id', 'region-1/src:9'); x.set('Eddy-Op', 'delete'); return x; };
    const first = await pub.publish(SUBJECT, new Uint8Array([9]), h(), 5000);
    const again = await pub.publish(SUBJECT, new Uint8Array([9]), h(), 5000);
    expect(again).toEqual({ seq: first.seq, duplicate: true });
    const m = await jsm.streams.getMessage(Streams.wal, { seq: first.seq });
    expect(m?.header?.get('Eddy-Op')).toBe('delete');
  });

  it('answers 500 appends in flight at once, each its own sequence, and keeps nothing pending', async () => {
    const acks = await Promise.all(Array.from({ length: 500 }, (_, i) => pub.publish(Subjects.wal('2'), enc.encode(String(i)), undefined, 5000)));
    const seqs = acks.map((a) => a.seq);
    expect(new Set(seqs).size).toBe(500);
    const data = await Promise.all(acks.map((a) => jsm.streams.getMessage(Streams.wal, { seq: a.seq })));
    expect(data.map((m) => new TextDecoder().decode(m?.data))).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
    expect(pub.inFlight).toBe(0);
  });

  it('a subject no stream captures is no responders, which jsCall treats as a stream without a leader', async () => {
    const e = await pub.publish('nobody.listens.here', new Uint8Array([1]), undefined, 5000).catch((x: unknown) => x);
    expect(isNoLeader(e)).toBe(true);
    expect(pub.inFlight).toBe(0);
  });

  it('no answer by the deadline is a timeout (outcome unknown), and the append is forgotten', async () => {
    const silent = nc.subscribe('silent.responder');
    await nc.flush();
    const e = await pub.publish('silent.responder', new Uint8Array([1]), undefined, 150).catch((x: unknown) => x);
    expect(isTimeout(e)).toBe(true);
    expect(pub.inFlight).toBe(0);
    silent.unsubscribe();
  });

  it("a JetStream refusal is WalAppendRefusedError with the server's description", async () => {
    const h = natsHeaders();
    h.set('Nats-Expected-Stream', 'NOT_THE_WAL');
    const e = await pub.publish(SUBJECT, new Uint8Array([1]), h, 5000).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WalAppendRefusedError);
    expect((e as WalAppendRefusedError).description).toMatch(/expected stream does not match/);
    expect((e as WalAppendRefusedError).code).toBe(400);
  });

  it("takes its answers below the connection's own inbox prefix (a NATS user's permission)", async () => {
    const nc2 = await connect({ servers: nats.url, inboxPrefix: '_INBOX_waluser' });
    const seen: string[] = [];
    const spy = nc.subscribe('_INBOX_waluser.>', { callback: (_e, m) => { seen.push(m.subject); } });
    await nc.flush();
    const a = await walPublisherOf(jetstream(nc2)).publish(SUBJECT, new Uint8Array([4]), undefined, 5000);
    expect(a.seq).toBeGreaterThan(0);
    await nc.flush();
    expect(seen.length).toBe(1);
    spy.unsubscribe();
    await nc2.close();
  });

  it('fails what is in flight when the connection closes, by its deadline', async () => {
    const nc2 = await connect({ servers: nats.url });
    const p2 = walPublisherOf(jetstream(nc2));
    const silent = nc.subscribe('silent.two');
    await nc.flush();
    const pending = p2.publish('silent.two', new Uint8Array([1]), undefined, 200).catch((x: unknown) => x);
    await nc2.close();
    expect(isTimeout(await pending)).toBe(true);
    silent.unsubscribe();
  });
});
