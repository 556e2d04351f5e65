// The spatial index as an index kind of core/index's registry (registered in core/index/index.ts): columns
// [lat, lng] of a table-level SPATIAL INDEX, answering predicates `{ column: lat, op: 'spatial', lng, predicate }`.
import { InvalidArgumentError } from '../../errors.ts';
import type { DataType } from '../../schema.ts';
import type { IndexColumn, IndexKind } from '../kind.ts';
import type { ColumnPredicate } from '../predicate.ts';
import type { RowSelection } from '../selection.ts';
import type { SpatialPredicate, SpatialReader } from './spatial_index.ts';
import { buildSpatialIndex, openSpatialIndex, probeSpatialIndex } from './spatial_index.ts';

/** The predicate shape this kind answers (a member of core/index's ColumnPredicate union; `column`: the latitude column). */
export interface SpatialColumnPredicate {
  column: string;
  op: 'spatial';
  lng: string;
  predicate: SpatialPredicate;
}

function coord(c: IndexColumn): { values: ArrayLike<number>; valid: Uint8Array | null } {
  return {
    values: c.values instanceof BigInt64Array || c.values instanceof BigUint64Array ? Float64Array.from(c.values, Number) : (c.values as Float64Array),
    valid: c.valid,
  };
}

export const spatialIndexKind: IndexKind<{ nodeSize: number }, SpatialReader> = {
  kind: 'spatial',
  format: 2, // ESP2 (blocks of quantized points); ESP1 files are rebuilt
  supports: (type: DataType): boolean => type === 'float64' || type === 'int64' || type === 'uint64',
  options(raw: Record<string, string>, column: string): { nodeSize: number } {
    const v = raw.node_size ?? '16';
    const n = Number(v);
    if (!Number.isInteger(n) || n < 2 || n > 65535) throw new InvalidArgumentError(`SPATIAL INDEX on ${column}: node_size must be an integer in 2..65535, got '${v}'`);
    return { nodeSize: n };
  },
  build: (cols: IndexColumn[], rows: number, o: { nodeSize: number }): Uint8Array => buildSpatialIndex(coord(cols[0]!), coord(cols[1]!), rows, o.nodeSize),
  open: (bytes: Uint8Array): SpatialReader => openSpatialIndex(bytes),
  answers: (pred: ColumnPredicate): boolean => pred.op === 'spatial',
  prune(reader: SpatialReader, pred: ColumnPredicate, _rows: number): RowSelection | undefined {
    return pred.op === 'spatial' ? probeSpatialIndex(reader, pred.predicate) : undefined;
  },
};
