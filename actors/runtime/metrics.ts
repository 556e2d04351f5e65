// EddyDB's own counters and histograms, rendered in the Prometheus text format on /metrics.

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Histogram {
  readonly counts = new Array<number>(BUCKETS.length + 1).fill(0);
  sum = 0;
  count = 0;
  observe(seconds: number): void {
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }
}

export class Metrics {
  rowsWritten = 0;
  ingestMessages = 0;
  ingestErrors = 0;
  writeRequests = 0;
  writeErrors = 0;
  flushes = 0;
  compactions = 0;
  queries = 0;
  queryErrors = 0;
  queriesTimedOut = 0;
  queriesCancelled = 0;
  /** HTTP writes refused and NATS writes made to wait by --max-inflight-write-bytes. */
  writesRefused = 0;
  writesWaited = 0;
  /** Write payloads parsed by a parse worker thread (--parse-workers). */
  writesParsedOffThread = 0;
  /** WAL records appended as a parse worker encoded them (the main thread did not encode them again). */
  walRecordsOffThread = 0;
  /** WAL records a parse worker encoded that the write path could not append (split, remote, converted). */
  walRecordsUnused = 0;
  /** Remote-write requests written in groups, and the groups (batches) they made: requests per WAL append. */
  promGroupedRequests = 0;
  promGroups = 0;
  /** The most bytes a streamed /v1/sql body (JSON, CSV, Arrow) held unsent at once: what streaming bounds. */
  streamHeldMax = 0;
  readonly queryLatency = new Histogram();
  /** Filled in when rendering: values read off the node at that moment. */
  gauges: () => Record<string, number> = () => ({});

  render(): string {
    const out: string[] = [];
    const counter = (name: string, help: string, v: number) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${v}`);
    };
    counter('eddy_ingested_rows_total', 'Rows written durably to regions.', this.rowsWritten);
    counter('eddy_write_requests_total', 'Synchronous write requests (NATS and HTTP).', this.writeRequests);
    counter('eddy_write_errors_total', 'Write requests rejected.', this.writeErrors);
    counter('eddy_ingest_messages_total', 'Buffered ingest messages applied.', this.ingestMessages);
    counter('eddy_ingest_errors_total', 'Buffered ingest messages that could not be applied.', this.ingestErrors);
    counter('eddy_flushes_total', 'Memtable flushes to segments.', this.flushes);
    counter('eddy_compactions_total', 'Compactions run.', this.compactions);
    counter('eddy_queries_total', 'SQL statements executed.', this.queries);
    counter('eddy_query_errors_total', 'SQL statements that failed.', this.queryErrors);
    counter('eddy_queries_timed_out_total', 'Queries stopped at their deadline.', this.queriesTimedOut);
    counter('eddy_queries_cancelled_total', 'Queries cancelled because their client went away.', this.queriesCancelled);
    counter('eddy_writes_refused_total', 'HTTP writes refused by back-pressure (503).', this.writesRefused);
    counter('eddy_writes_waited_total', 'NATS writes that waited for back-pressure.', this.writesWaited);
    counter('eddy_writes_parsed_off_thread_total', 'Write payloads parsed by a parse worker thread.', this.writesParsedOffThread);
    counter('eddy_wal_records_off_thread_total', 'WAL records appended as a parse worker encoded them.', this.walRecordsOffThread);
    counter('eddy_wal_records_unused_total', 'WAL records a parse worker encoded that the write path encoded again (batch split over regions, sent to another node, converted).', this.walRecordsUnused);
    counter('eddy_prom_write_grouped_requests_total', 'Prometheus remote-write requests written in groups (group commit).', this.promGroupedRequests);
    counter('eddy_prom_write_groups_total', 'Groups of remote-write requests written, each one batch (requests per group = the ratio).', this.promGroups);
    const h = this.queryLatency;
    out.push('# HELP eddy_query_duration_seconds SQL statement latency.', '# TYPE eddy_query_duration_seconds histogram');
    let cum = 0;
    BUCKETS.forEach((b, i) => {
      cum += h.counts[i]!;
      out.push(`eddy_query_duration_seconds_bucket{le="${b}"} ${cum}`);
    });
    out.push(`eddy_query_duration_seconds_bucket{le="+Inf"} ${h.count}`);
    out.push(`eddy_query_duration_seconds_sum ${h.sum}`, `eddy_query_duration_seconds_count ${h.count}`);
    out.push('# HELP eddy_http_stream_held_bytes_max Most bytes a streamed query result held unsent at once.', '# TYPE eddy_http_stream_held_bytes_max gauge', `eddy_http_stream_held_bytes_max ${this.streamHeldMax}`);
    for (const [name, v] of Object.entries(this.gauges())) {
      out.push(`# TYPE ${name} gauge`, `${name} ${v}`);
    }
    return out.join('\n') + '\n';
  }
}
