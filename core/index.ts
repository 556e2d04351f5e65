// Public face of core/: pure code shared by every other folder.
export * from './errors.ts';
export * from './clock.ts';
export * from './subjects.ts';
export * from './schema.ts';
export * from './batch.ts';
export * from './writes.ts';
export * from './sql/index.ts';
export * from './codec/line_protocol/index.ts';
export * from './codec/json_rows.ts';
export * from './codec/wal_batch.ts';
export * from './query/index.ts';
export * from './placement.ts';
export * from './partition.ts';
export * from './metric_engine.ts';
export * from './index/index.ts';
export * from './pipeline/index.ts';
export * from './json/index.ts';
