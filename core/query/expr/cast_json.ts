// Casts into the JSON column type: text parsed into the stored layout (core/json/jsonb.ts), scalars encoded, bytes read.
import type { StrVec, Vec } from '../vector.ts';
import { getValue, isNull, strVec } from '../vector.ts';
import { encodeJsonb, isJsonb, jsonbFromText } from '../../json/index.ts';
import { bytesAt } from './bytes.ts';

/** What a cast does with a value it cannot convert: throws (CAST) or answers null (TRY_CAST). */
export type Fail = (x: unknown) => null;

/**
 * Bytes into a JSON column: UTF-8 JSON text becomes that value; other bytes are kept as given, unchecked, as GreptimeDB
 * keeps a Binary value in its JSON column (shown as their text). Bytes this layout would misread as a stored value
 * (a first byte of 1-7) are refused.
 */
function bytesAsJson(b: Uint8Array, fail: Fail): string | null {
  const text = Buffer.from(b).toString('utf8');
  try { return jsonbFromText(text); } catch { /* not JSON text: kept as given */ }
  return b.length > 0 && b[0]! >= 1 && b[0]! <= 7 ? fail(Buffer.from(b).toString('hex')) : text;
}

/** Text (JSON) or a scalar into the JSON column's stored form (core/json/jsonb.ts). */
export function castToJson(v: Vec, fail: Fail): Vec {
  const n = v.v.length;
  const out = strVec(n);
  out.dt = 'Json';
  for (let i = 0; i < n; i++) {
    if (isNull(v, i)) continue;
    if (v.dt === 'Binary') { out.v[i] = bytesAsJson(bytesAt(v as StrVec, i), fail); continue; }
    if (v.kind === 'str') {
      const t = v.v[i]!;
      if (isJsonb(t)) { out.v[i] = t; continue; }
      try { out.v[i] = jsonbFromText(t); } catch { if (fail(t) === null) out.v[i] = null; }
    } else {
      const x = getValue(v, i);
      out.v[i] = encodeJsonb(typeof x === 'bigint' ? Number(x) : x);
    }
  }
  return out;
}
