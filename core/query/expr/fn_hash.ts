// Hashing and binary encoding: md5, sha224/256/384/512, digest(x, algorithm), encode / decode (hex, base64), uuid().
import { createHash, randomUUID } from 'node:crypto';
import { ExecError, StatusCode } from '../../errors.ts';
import type { Fn } from './fn_util.ts';
import { str1, strN } from './fn_util.ts';
import { strVec } from '../vector.ts';

const hex = (algo: string) => (x: string) => createHash(algo).update(x, 'utf8').digest('hex');

const DIGESTS: Record<string, string> = { md5: 'md5', sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', blake2b: 'blake2b512', blake2s: 'blake2s256' };
// blake3 is not in node:crypto; it is refused by name rather than answered with another algorithm's hash

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
  md5: str1(hex('md5')),
  sha224: binary(str1(hex('sha224'))),
  sha256: binary(str1(hex('sha256'))),
  sha384: binary(str1(hex('sha384'))),
  sha512: binary(str1(hex('sha512'))),
  digest: binary(strN(([x, algo]) => {
    const a = DIGESTS[String(algo).toLowerCase()];
    if (!a) throw new ExecError(`There is no built-in digest algorithm named '${algo}', currently supported algorithms are: md5, sha224, sha256, sha384, sha512, blake2s, blake2b`, undefined, StatusCode.InvalidArguments);
    return createHash(a).update(String(x), 'utf8').digest('hex');
  })),
  encode: strN(([x, enc]) => Buffer.from(String(x), 'utf8').toString(codec(String(enc)))),
  decode: strN(([x, enc]) => {
    const c = codec(String(enc));
    if (c === 'hex' && !/^([0-9a-fA-F]{2})*$/.test(String(x))) throw new ExecError(`Failed to decode value using hex: invalid hex string '${x}'`, undefined, StatusCode.InvalidArguments);
    return Buffer.from(String(x), c).toString('utf8');
  }),
  uuid: (_args, n) => { const out = strVec(n); for (let i = 0; i < n; i++) out.v[i] = randomUUID(); return out; },
};
