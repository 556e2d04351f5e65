// Presizes nats.js's buffer for a message that spans socket reads, so a 2 MB write is gathered with one copy, into a
// buffer reused once the message is parsed.
import { DenoBuffer, Parser, State } from '@nats-io/nats-core/internal';

/*
 * nats.js (nats-core 3.x, lib/parser.js) gathers a payload that does not fit the current socket read
 * in a DenoBuffer that starts at the first chunk's size and doubles as chunks arrive: a 1.8 MB line
 * protocol write costs ~4 MB of fresh allocations and copies (~7% of the server's CPU in the ingest
 * benchmark, more on the buffered path). Once the parser has entered the payload state we know its
 * size (ma.size), so we swap in a buffer of exactly that capacity holding what has arrived; the
 * parser's later writes then land in place (DenoBuffer grows by reslicing within its capacity).
 */
interface ParserInternals {
  state: number;
  ma: { size: number };
  msgBuf?: DenoBuffer;
  parse(buf: Uint8Array): void;
}

let installed = false;

/**
 * Message buffers handed back once their payload is parsed (a parse worker returns the one it was given), reused by the
 * next large message instead of a fresh 1.8 MB buffer per buffered ingest message, dead until the next GC (issue 16,
 * s10-buffered: 1M buffered rows, 3 A/B pairs at load 8-22: node peak RSS until queryable 208-224 against 235-250 MiB,
 * minor faults 29-32k against 42-44k; V8's mark-compacts 39-41 either way).
 */
const free: ArrayBuffer[] = [];
/** At most this many buffers wait for reuse (a message in flight per apply slot and parse, with room to spare). */
const FREE_MAX = 8;
/** Buffers made here: a view at offset 0 of one of them may move to a worker whole (parse_wire.ts `transferable`). */
const owned = new WeakSet<ArrayBuffer>();
/** Capacities are rounded up to this, so payloads of about the same size fit each other's buffers. */
const ROUND = 64 * 1024;
/** Buffers reused and made, for tests and the bench's notes. */
export const messageBufferStats = { reused: 0, made: 0 };

/** Whether `buf` was made for a NATS message here (nothing else holds a view of it once its message is parsed). */
export function isMessageBuffer(buf: ArrayBufferLike): boolean {
  return owned.has(buf as ArrayBuffer);
}

/**
 * Gives back a message buffer whose payload nobody reads any more, kept for the next large message while there is
 * room. A parse worker's reply returns the one it was given: after the round trip it is a new ArrayBuffer object over
 * the same memory, so the caller says it was one (`isMessageBuffer` before it left).
 */
export function recycleMessageBuffer(buf: ArrayBuffer): void {
  if (buf.byteLength === 0 || free.length >= FREE_MAX) return;
  owned.add(buf);
  free.push(buf);
}

/** A buffer of at least `size` bytes (at most twice that), reused when one is free, else made (not zero-filled). */
function messageBuffer(size: number): ArrayBuffer {
  for (let i = free.length - 1; i >= 0; i--) {
    const b = free[i]!;
    if (b.byteLength >= size && b.byteLength <= size * 2) {
      free.splice(i, 1);
      messageBufferStats.reused++;
      return b;
    }
  }
  messageBufferStats.made++;
  const b = Buffer.allocUnsafeSlow(Math.ceil(size / ROUND) * ROUND).buffer as ArrayBuffer;
  owned.add(b);
  return b;
}

export function presizeNatsMessageBuffers(): void {
  if (installed) return;
  installed = true;
  const proto = Parser.prototype as unknown as ParserInternals;
  const parse = proto.parse;
  proto.parse = function (this: ParserInternals, buf: Uint8Array): void {
    parse.call(this, buf);
    const mb = this.msgBuf;
    if (mb !== undefined && this.state === State.MSG_PAYLOAD && mb.capacity < this.ma.size) {
      const have = mb.bytes({ copy: false });
      // Not zero-filled (every byte is about to be written), an ArrayBuffer of its own (made or reused here, the payload
      // a view at its start), so the message's data can later be transferred to a worker thread without a copy.
      const full = messageBuffer(this.ma.size);
      new Uint8Array(full, 0, have.length).set(have);
      // DenoBuffer copies a Uint8Array it is given but wraps an ArrayBuffer: hand it the buffer, not a second copy.
      const b = new DenoBuffer(full);
      b.truncate(have.length);
      this.msgBuf = b;
    }
  };
}
