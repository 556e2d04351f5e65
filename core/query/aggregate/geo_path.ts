// GreptimeDB's path aggregates over (lat, lng, timestamp) rows: json_encode_path, a JSON text of [lng, lat] pairs
// in time order, and geo_path, a struct {lat: [...], lng: [...]} in time order. Rows with a NULL part are skipped;
// rows of one instant keep their input order.
import { StatusCode } from '../../errors.ts';
import { FIELD_TYPES } from '../expr/fn_struct.ts';
import { ExecError } from '../expr/eval.ts';
import { floatJson } from '../output/digits.ts';
import type { TsVec, Vec } from '../vector.ts';
import { fromValues, isNull } from '../vector.ts';
import type { AggImpl, AggInput } from './common.ts';
import { numArg } from './common.ts';
import type { Groups } from './grouping.ts';
import { rowsByGroup } from './grouping.ts';

/** Each group's rows with all three parts, sorted by time: their latitudes and longitudes. */
function paths(a: AggInput, g: Groups): { lat: Float64Array; lng: Float64Array; start: Int32Array; rows: Int32Array } {
  if (a.args.length !== 3) throw new ExecError(`${a.name} expects 3 arguments (lat, lng, timestamp), got ${a.args.length}`, a.call.pos, StatusCode.InvalidArguments);
  const lat = numArg(a, a.args[0]), lng = numArg(a, a.args[1]), ts = a.args[2]!;
  if (ts.kind !== 'ts') throw new ExecError(`${a.name} expects a timestamp as its third argument, got ${ts.dt}`, a.call.pos, StatusCode.InvalidArguments);
  const t = (ts as TsVec).v;
  const { start, rows } = rowsByGroup(g, a.mask);
  const out = new Int32Array(rows.length), outStart = new Int32Array(g.count + 1);
  let w = 0;
  for (let k = 0; k < g.count; k++) {
    outStart[k] = w;
    const from = w;
    for (let j = start[k]!; j < start[k + 1]!; j++) {
      const i = rows[j]!;
      if (!isNull(lat, i) && !isNull(lng, i) && !isNull(ts, i)) out[w++] = i;
    }
    // a stable sort by time of this group's rows
    const seg = Array.from(out.subarray(from, w)).sort((p, q) => (t[p]! < t[q]! ? -1 : t[p]! > t[q]! ? 1 : p - q));
    out.set(seg, from);
  }
  outStart[g.count] = w;
  return { lat: Float64Array.from(lat.v), lng: Float64Array.from(lng.v), start: outStart, rows: out.subarray(0, w) };
}

export const jsonEncodePath: AggImpl = (a, g) => {
  const { lat, lng, start, rows } = paths(a, g);
  const out = new Array<string>(g.count);
  for (let k = 0; k < g.count; k++) {
    const parts: string[] = [];
    for (let j = start[k]!; j < start[k + 1]!; j++) parts.push(`[${floatJson(lng[rows[j]!]!)},${floatJson(lat[rows[j]!]!)}]`);
    out[k] = `[${parts.join(',')}]`;
  }
  return fromValues('String', out);
};

export const geoPath: AggImpl = (a, g) => {
  const { lat, lng, start, rows } = paths(a, g);
  const types = { lat: 'List', lng: 'List' };
  const out = new Array<unknown>(g.count);
  for (let k = 0; k < g.count; k++) {
    const r = Array.from(rows.subarray(start[k]!, start[k + 1]!));
    out[k] = { [FIELD_TYPES]: types, lat: r.map((i) => lat[i]!), lng: r.map((i) => lng[i]!) };
  }
  return { kind: 'any', dt: 'Struct', v: out } as Vec;
};
