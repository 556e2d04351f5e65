// Presizes nats.js's buffer for a message that spans socket reads, so a 2 MB write is gathered with one copy.
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
      // Not zero-filled (every byte is about to be written), and its own ArrayBuffer of exactly the payload's size, so the
      // message's data can later be transferred to a worker thread without a copy.
      const full = Buffer.allocUnsafeSlow(this.ma.size);
      full.set(have);
      // DenoBuffer copies a Uint8Array it is given but wraps an ArrayBuffer: hand it the buffer, not a second copy.
      const b = new DenoBuffer(full.buffer);
      b.truncate(have.length);
      this.msgBuf = b;
    }
  };
}
