// Public face of storage/: the region storage engine (memtable, Arrow IPC segments, manifest, compaction) and IPC helpers.
export { RegionStore } from './region_store.ts';
export { batchesToIPC, ipcToBatches, type IpcOptions } from './ipc.ts';
export { registerCodecs } from './codec.ts';
export { MANIFEST_FILE } from './manifest.ts';
export { ManifestConflictError, type SegmentMirror } from './mirror.ts';
export { DecodedCache, sharedDecodedCache } from './decoded_cache.ts';
export { warmCache, type WarmOptions } from './cache_warm.ts';
export type {
  ColumnStats, Compression, IndexUse, RegionStats, RegionStoreOptions, ScanRequest, ScanStats, SegmentIndexMeta, SegmentMeta,
} from './types.ts';
export type { IndexStatus } from './index/region_indexes.ts';
export { INDEX_CACHE_BYTES, IndexReaders, sharedIndexReaders } from './index/readers.ts';
export { storageFaults } from './segment/write.ts';
