// The Binary type: a str vector of dt 'Binary' whose values are the bytes as lower-case hex (DataFusion's display of
// a Binary value). Text becomes its UTF-8 bytes; bytes become text only when they are valid UTF-8.
import { CastError, StatusCode, ExecError } from '../../errors.ts';
import type { SourcePos } from '../../sql/index.ts';
import type { StrVec, Vec } from '../vector.ts';
import { isNull } from '../vector.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text, bytes or NULL to Binary; other types have no cast to Binary (as in Arrow). */
export function castToBinary(v: Vec, pos?: SourcePos): StrVec {
  if (v.kind !== 'str') throw new ExecError(`Unsupported cast from ${v.dt} to Binary`, pos, StatusCode.Unsupported);
  const n = v.v.length;
  const out: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = isNull(v, i) ? null : Buffer.from(v.v[i]!, 'utf8').toString('hex');
  return { kind: 'str', dt: 'Binary', v: out };
}

/** Binary to String: the bytes read as UTF-8; invalid UTF-8 is an error (NULL under TRY_CAST). */
export function binaryAsText(v: Vec, tryCast: boolean, pos?: SourcePos): StrVec {
  const n = v.v.length;
  const out: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (isNull(v, i)) { out[i] = null; continue; }
    try {
      out[i] = utf8.decode(Buffer.from(String(v.v[i]), 'hex'));
    } catch {
      if (!tryCast) throw new CastError(`Cannot cast binary value to String: invalid UTF-8 bytes 0x${v.v[i]}`, pos);
      out[i] = null;
    }
  }
  return { kind: 'str', dt: 'String', v: out };
}

/** The bytes of row i of a Binary vector. */
export function bytesAt(v: StrVec, i: number): Uint8Array {
  return Buffer.from(v.v[i] ?? '', 'hex');
}
