// The presized payload buffer: split messages still arrive whole and byte for byte, in order.
import { describe, expect, it } from 'vitest';
import { Kind, Parser } from '@nats-io/nats-core/internal';
import { presizeNatsMessageBuffers } from '../../../actors/runtime/nats_presize.ts';

const enc = new TextEncoder();

function feed(chunks: Uint8Array[]): Uint8Array[] {
  const got: Uint8Array[] = [];
  const p = new Parser({ push: (e: { kind: number; data?: Uint8Array }) => { if (e.kind === Kind.MSG && e.data) got.push(e.data.slice()); } } as never);
  for (const c of chunks) p.parse(c);
  return got;
}

function wire(payloads: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  payloads.forEach((pl, i) => parts.push(enc.encode(`MSG s.${i} 1 ${pl.length}\r\n`), pl, enc.encode('\r\n')));
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) { out.set(x, o); o += x.length; }
  return out;
}

describe('presized NATS message buffers', () => {
  it('delivers messages split at any chunk size unchanged', () => {
    presizeNatsMessageBuffers();
    const payloads = [300_000, 0, 5, 70_000, 1].map((n, k) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + k) & 0xff));
    const bytes = wire(payloads);
    for (const size of [13, 1000, 65_536, 123_457, bytes.length]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
      const got = feed(chunks);
      expect(got.length, `chunk size ${size}`).toBe(payloads.length);
      got.forEach((g, k) => expect(Buffer.compare(g, payloads[k]!), `message ${k}, chunk size ${size}`).toBe(0));
    }
  });
});
