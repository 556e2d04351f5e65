// The payload codec registry: a codec per Content-Type, line protocol by default, a clear error for anything else.
import { describe, expect, it } from 'vitest';
import { CodecRegistry, ContentTypes, payloadCodecs, lineProtocolCodec, type DecodeContext } from '../../../core/codec/index.ts';
import { encodeBatches, EddyError, StatusCode } from '../../../core/index.ts';

const enc = new TextEncoder();
const ctx = (table?: string): DecodeContext => ({ precision: 'ns', defaultTimeNs: 5n, ...(table ? { table } : {}) });

describe('payload codec registry', () => {
  it('picks line protocol with no Content-Type, text/plain with parameters, octet-stream and other text/ types', () => {
    for (const ct of [undefined, '', 'text/plain; charset=utf-8', 'TEXT/PLAIN', 'application/octet-stream', 'text/x-influx']) {
      expect(payloadCodecs.forContentType(ct).name).toBe('line protocol');
    }
    const [b] = payloadCodecs.forContentType(undefined).decode(enc.encode('cpu,host=a v=1 10'), ctx());
    expect(b!.table).toBe('cpu');
    expect(b!.rows).toBe(1);
  });

  it('decodes JSON rows for the table the transport names, using the table schema hints', () => {
    const c = payloadCodecs.forContentType('application/json; charset=utf-8');
    expect(c.needsTable).toBe(true);
    const [b] = c.decode(enc.encode('[{"host":"a","v":1,"at":1000}]'), { ...ctx('t'), schema: { timeColumn: 'at', tagColumns: ['host'] } });
    expect(b!.table).toBe('t');
    expect(b!.columns.find((x) => x.name === 'host')!.semantic).toBe('tag');
    expect(b!.columns.find((x) => x.name === 'at')!.semantic).toBe('timestamp');
  });

  it('decodes the WAL batch encoding, exactly (int64 timestamps beyond 2^53)', () => {
    const [src] = payloadCodecs.forContentType(undefined).decode(enc.encode('m,host=a v=1i 1700000000123456789'), ctx());
    const out = payloadCodecs.forContentType(ContentTypes.walBatch).decode(encodeBatches([src!]), ctx());
    expect(out).toHaveLength(1);
    const ts = out[0]!.columns.find((c) => c.semantic === 'timestamp')!.values as BigInt64Array;
    expect(ts[0]).toBe(1700000000123456789n);
  });

  it('refuses a Content-Type nobody registered with a 4xx that lists the registered ones', () => {
    let err: unknown;
    try {
      payloadCodecs.forContentType('application/x-yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EddyError);
    expect((err as EddyError).code).toBe(StatusCode.InvalidArguments);
    expect((err as Error).message).toMatch(/unsupported Content-Type 'application\/x-yaml'.*text\/plain \(line protocol\).*application\/json \(JSON rows\).*application\/vnd\.eddy\.wal-batch/);
  });

  it('a new format registers by content type; a type registered twice is refused', () => {
    const r = new CodecRegistry().register(lineProtocolCodec, true);
    r.register({ name: 'fake', contentTypes: ['application/x-fake'], decode: () => [] });
    expect(r.forContentType('application/x-fake').name).toBe('fake');
    expect(() => r.register({ name: 'again', contentTypes: ['application/x-fake'], decode: () => [] })).toThrow(/registered twice/);
  });
});
