// Public face of the spatial module: the lat/lng index (build, open, probe) and the great-circle distance.
export type { CoordColumn, RowRanges, SpatialPredicate, SpatialReader } from './spatial_index.ts';
export { buildSpatialIndex, capBoxes, openSpatialIndex, probeSpatialIndex } from './spatial_index.ts';
export { EARTH_RADIUS_M, haversineM } from './sphere.ts';
export { spatialPredicatesOf } from './predicate.ts';
export type { SpatialColumnPredicate } from './kind_adapter.ts';
export { spatialIndexKind } from './kind_adapter.ts';
