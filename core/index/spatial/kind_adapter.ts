// The spatial index as an index kind of core/index's registry (IndexKind of core/index/kind.ts, on the index
// framework's branch): typed structurally so this file compiles before the branches meet. After the merge:
// `registerIndexKind(spatialIndexKind)`, and wantedIndexes lists `indexSpec('spatial', [lat, lng], {node_size})` for
// each entry of TableSchema.spatialIndexes; the scan pushdown turns spatialPredicatesOf(...) into its predicates.
import { InvalidArgumentError } from '../../errors.ts';
import type { DataType } from '../../schema.ts';
import type { RowRanges, SpatialPredicate, SpatialReader } from './spatial_index.ts';
import { buildSpatialIndex, openSpatialIndex, probeSpatialIndex } from './spatial_index.ts';

/** The predicate shape this kind adds to core/index's ColumnPredicate union (`column`: the latitude column). */
export interface SpatialColumnPredicate {
  column: string;
  op: 'spatial';
  predicate: SpatialPredicate;
}

interface IndexColumnLike {
  type: DataType;
  values: unknown;
  valid: Uint8Array | null;
}

export const spatialIndexKind = {
  kind: 'spatial',
  supports: (type: DataType): boolean => type === 'float64' || type === 'int64' || type === 'uint64',
  options(raw: Record<string, string>, column: string): { nodeSize: number } {
    const v = raw.node_size ?? '16';
    const n = Number(v);
    if (!Number.isInteger(n) || n < 2 || n > 65535) throw new InvalidArgumentError(`SPATIAL INDEX on ${column}: node_size must be an integer in 2..65535, got '${v}'`);
    return { nodeSize: n };
  },
  build(cols: IndexColumnLike[], rows: number, o: { nodeSize: number }): Uint8Array {
    const coord = (c: IndexColumnLike): { values: ArrayLike<number>; valid: Uint8Array | null } => ({
      values: c.values instanceof BigInt64Array || c.values instanceof BigUint64Array ? Float64Array.from(c.values, Number) : (c.values as ArrayLike<number>),
      valid: c.valid,
    });
    return buildSpatialIndex(coord(cols[0]!), coord(cols[1]!), rows, o.nodeSize);
  },
  open: (bytes: Uint8Array): SpatialReader => openSpatialIndex(bytes),
  answers: (pred: { op: string }): boolean => pred.op === 'spatial',
  prune(reader: SpatialReader, pred: { op: string }, _rows: number): RowRanges | undefined {
    return pred.op === 'spatial' ? probeSpatialIndex(reader, (pred as SpatialColumnPredicate).predicate) : undefined;
  },
};
