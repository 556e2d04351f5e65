// Limits applied by the HTTP server around a route: a query's deadline, cancellation and memory budget; a write's admission.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DeadlineExceededError, PromQLExecError } from '../../../core/index.ts';
import { parseDurationMs } from '../../../core/duration.ts';
import { runWithLimits, type QueryLimits } from '../query_limits.ts';
import type { WriteGate, Release } from '../write_gate.ts';
import type { Metrics } from '../../runtime/metrics.ts';
import type { HttpReply } from './routes.ts';

export interface HttpLimits {
  /** --query-timeout in ms (0: none); a request may set its own with X-Greptime-Timeout. */
  queryTimeoutMs: () => number;
  /** --query-memory-mb in bytes (0: none). */
  queryMemoryBytes: () => number;
  /** --max-inflight-write-bytes; write routes are admitted through it. */
  writeGate?: WriteGate;
  metrics?: Metrics;
}

/** GreptimeDB's per-request timeout header (`120s`, `500ms`); `0` means none. */
export const TIMEOUT_HEADER = 'x-greptime-timeout';

function timeoutOf(req: IncomingMessage, l: HttpLimits): number {
  const h = req.headers[TIMEOUT_HEADER];
  if (typeof h === 'string' && h.trim() !== '') return h.trim() === '0' ? 0 : parseDurationMs(h.trim(), 'X-Greptime-Timeout header');
  return l.queryTimeoutMs();
}

/**
 * Runs a query route under its limits. At the deadline the answer is 408 at once and the query is cancelled (it stops
 * at its next scan); a client that goes away cancels it the same way; its scans count against the memory budget.
 */
export async function runQuery(req: IncomingMessage, res: ServerResponse, l: HttpLimits, fn: () => Promise<HttpReply>, onError: (e: unknown) => HttpReply): Promise<HttpReply> {
  const timeoutMs = timeoutOf(req, l);
  const ac = new AbortController();
  const expired = () => new DeadlineExceededError(`query exceeded its timeout of ${timeoutMs} ms (X-Greptime-Timeout or --query-timeout) and was cancelled`);
  const limits: QueryLimits = { signal: ac.signal, memoryBytes: l.queryMemoryBytes(), used: 0, deadline: timeoutMs > 0 ? Date.now() + timeoutMs : 0, expired };
  const onClose = () => {
    if (res.writableEnded) return;
    if (l.metrics) l.metrics.queriesCancelled++;
    ac.abort(new DeadlineExceededError('query cancelled: the client went away'));
  };
  res.once('close', onClose);
  if (req.destroyed) onClose();
  let timer: NodeJS.Timeout | undefined;
  // The timer answers at the deadline while the query waits on I/O; a query busy on the CPU meets it at its next scan.
  const timedOut = timeoutMs > 0 ? new Promise<HttpReply>((resolve) => {
    timer = setTimeout(() => {
      const e = expired();
      ac.abort(e);
      resolve(onError(e));
    }, timeoutMs);
  }) : null;
  try {
    const run = runWithLimits(limits, fn);
    const reply = await (timedOut ? Promise.race([run, timedOut]) : run);
    if (l.metrics && !res.destroyed && metDeadline(reply)) l.metrics.queriesTimedOut++;
    return reply;
  } finally {
    clearTimeout(timer);
    res.once('finish', () => res.off('close', onClose));
  }
}

/**
 * A reply to a query stopped at its deadline: GreptimeDB's 408, or the error behind another protocol's answer (the
 * Prometheus API answers the server's deadline and its own `timeout` parameter as 503 errorType "timeout").
 */
function metDeadline(reply: HttpReply): boolean {
  const e = reply.error;
  return reply.status === 408 || e instanceof DeadlineExceededError || (e instanceof PromQLExecError && e.errorType === 'timeout');
}

/** A write route's body, admitted through the write gate (503 with Retry-After when the node is busy); `release` after the reply. */
export function admitted(read: () => Promise<Buffer>, gate: WriteGate | undefined): { body: () => Promise<Buffer>; release: () => void } {
  let release: Release | undefined;
  return {
    body: async () => {
      const b = await read();
      if (gate && !release) release = gate.tryAcquire(b.length);
      return b;
    },
    release: () => release?.(),
  };
}
