// Public face of the logs engine's actors side: pipeline store, ingest (the function shipper protocols call), HTTP and NATS.
export { PipelineStore, versionText, versionNs } from './pipeline_store.ts';
export { EsTemplateStore } from './shippers/es_templates.ts';
export { LogIngest, LogCounters, type IngestOptions, type IngestResult, type PipelineRef } from './log_ingest.ts';
export { registerLogRoutes, type LogHttpDeps } from './http.ts';
export { NatsLogs, ensureLogsStream } from './nats_logs.ts';
export { SyslogServer, SyslogCounters, type SyslogOptions } from './syslog_server.ts';
