// Public face of storage/: memtable, Arrow IPC segments, manifest, compaction.
export {};
