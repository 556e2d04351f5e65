// Hashing and binary encoding: md5, sha224/256/384/512, digest(x, algorithm), encode / decode (hex, base64), uuid().
import { ExecError, StatusCode } from '../../errors.ts';
import type { Fn } from './fn_util.ts';
import { str1, strN } from './fn_util.ts';
import { strVec } from '../vector.ts';

import { md5Hex, sha224Hex, sha256Hex, sha384Hex, sha512HexOf } from './digests.ts';

const DIGESTS: Record<string, (x: string) => string> = { md5: md5Hex, sha224: sha224Hex, sha256: sha256Hex, sha384: sha384Hex, sha512: sha512HexOf };

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + (i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=') + (i + 2 < bytes.length ? B64[n & 63]! : '=');
  }
  return out;
}

function fromBase64(text: string): Uint8Array | null {
  const t = text.replace(/=+$/, '');
  if (/[^A-Za-z0-9+/]/.test(t) || t.length % 4 === 1) return null;
  const out: number[] = [];
  let acc = 0, bits = 0;
  for (const ch of t) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 255); }
  }
  return Uint8Array.from(out);
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function codec(name: string): 'hex' | 'base64' {
  const c = name.toLowerCase();
  if (c === 'hex' || c === 'base64') return c;
  throw new ExecError(`There is no built-in encoding named '${name}', currently supported encodings are: base64, hex`, undefined, StatusCode.InvalidArguments);
}

/** Binary results (sha*, digest) print as lower-case hex, as DataFusion shows a Binary value. */
function binary(f: Fn): Fn {
  return (args, n, s, call) => ({ ...f(args, n, s, call), dt: 'Binary' }) as ReturnType<Fn>;
}

export const HASH: Record<string, Fn> = {
  md5: str1(md5Hex),
  sha224: binary(str1(sha224Hex)),
  sha256: binary(str1(sha256Hex)),
  sha384: binary(str1(sha384Hex)),
  sha512: binary(str1(sha512HexOf)),
  digest: binary(strN(([x, algo]) => {
    const a = DIGESTS[String(algo).toLowerCase()];
    if (!a) throw new ExecError(`There is no built-in digest algorithm named '${algo}', currently supported algorithms are: md5, sha224, sha256, sha384, sha512`, undefined, StatusCode.InvalidArguments);
    return a(String(x));
  })),
  encode: strN(([x, enc]) => {
    const b = utf8(String(x));
    return codec(String(enc)) === 'hex' ? Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('') : toBase64(b);
  }),
  decode: strN(([x, enc]) => {
    const s = String(x);
    if (codec(String(enc)) === 'hex') {
      if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new ExecError(`Failed to decode value using hex: invalid hex string '${s}'`, undefined, StatusCode.InvalidArguments);
      return text(Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16)));
    }
    const b = fromBase64(s);
    if (!b) throw new ExecError(`Failed to decode value using base64: invalid base64 string '${s}'`, undefined, StatusCode.InvalidArguments);
    return text(b);
  }),
  uuid: (_args, n) => { const out = strVec(n); for (let i = 0; i < n; i++) out.v[i] = globalThis.crypto.randomUUID(); return out; },
};
