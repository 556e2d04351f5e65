// Names Prometheus ingestion shares between HTTP and NATS.

/** GreptimeDB's default physical table of the metric engine: remote-written metrics are its logical tables. */
export const DEFAULT_PHYSICAL_TABLE = 'greptime_physical_table';
