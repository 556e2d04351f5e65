// CREATE TABLE ... SPATIAL INDEX (lat, lng) [WITH (node_size = '16')]: checks of the declaration, and its SHOW line.
import { PlanError, StatusCode } from '../../errors.ts';
import type { ColumnSchema, SpatialIndexSchema, TableSchema } from '../../schema.ts';
import type { SpatialIndexDef } from '../../sql/index.ts';

const NUMERIC = new Set(['float64', 'int64', 'uint64']);

/** The table's spatial indexes from the parsed declarations; a wrong column, type or option is a 4xx naming it. */
export function spatialIndexesOf(defs: SpatialIndexDef[] | undefined, columns: ColumnSchema[]): { spatialIndexes?: SpatialIndexSchema[] } {
  if (!defs?.length) return {};
  const out: SpatialIndexSchema[] = [];
  for (const d of defs) {
    const fail = (msg: string): never => { throw new PlanError(`Invalid SPATIAL INDEX: ${msg}`, d.pos, StatusCode.InvalidArguments); };
    for (const id of [d.lat, d.lng]) {
      const c = columns.find((x) => x.name === id.value);
      if (!c) fail(`column ${id.value} is not defined`);
      if (!NUMERIC.has(c!.type)) fail(`column ${id.value} is ${c!.sqlType ?? c!.type}, expected a numeric latitude / longitude column`);
    }
    if (d.lat.value === d.lng.value) fail('latitude and longitude must be two different columns');
    const spec: SpatialIndexSchema = { lat: d.lat.value, lng: d.lng.value };
    for (const [k, v] of Object.entries(d.options)) {
      if (k.toLowerCase() !== 'node_size') fail(`unknown option ${k} (supported: node_size)`);
      const n = Number(v);
      if (!Number.isInteger(n) || n < 2 || n > 65535) fail(`node_size must be an integer in 2..65535, got '${v}'`);
      spec.nodeSize = n;
    }
    if (out.some((o) => o.lat === spec.lat && o.lng === spec.lng)) fail(`(${spec.lat}, ${spec.lng}) is declared twice`);
    out.push(spec);
  }
  return { spatialIndexes: out };
}

/** SHOW CREATE TABLE lines of the spatial indexes. */
export function spatialIndexLines(t: TableSchema): string[] {
  return (t.spatialIndexes ?? []).map((s) => `  SPATIAL INDEX ("${s.lat}", "${s.lng}")${s.nodeSize !== undefined ? ` WITH(node_size = '${s.nodeSize}')` : ''}`);
}
