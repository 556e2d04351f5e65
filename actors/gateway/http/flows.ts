// GET /v1/flows/<flow>/subscribe?db=: a flow's live output as Server-Sent Events, replayed from its JetStream stream.
//   ?snapshot=true     first an `event: snapshot` with the rows of every open window, then updates
//   Last-Event-ID / ?last_event_id=N   resume after stream sequence N (each update's `id:` is its sequence)
//   ?since=<RFC 3339>  start from the updates published since that time
// Between updates, `event: progress` carries the flow's watermark and position.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { EddyError, InvalidArgumentError, StatusCode } from '../../../core/index.ts';
import { exactJson } from '../../../core/query/index.ts';
import type { FlowNode } from '../../flow/flownode.ts';
import { outputStreamName } from '../../flow/host.ts';
import type { Handler, HttpReply } from './server.ts';

export const FLOW_ROUTE = '/v1/flows/*';

export interface FlowHttpDeps {
  flows: () => FlowNode | null;
  js: () => JetStreamClient;
  jsm: () => JetStreamManager;
  /** How long a quiet stream waits before a progress event (ms). */
  progressMs?: number;
}

export function flowHttpHandler(deps: FlowHttpDeps): Handler {
  return async (req, url): Promise<HttpReply> => {
    const m = /^\/v1\/flows\/([^/]+)\/subscribe\/?$/.exec(url.pathname);
    if (!m) return { status: 404, contentType: 'application/json', body: JSON.stringify({ code: 1004, error: `no route ${url.pathname}` }) };
    if (req.method !== 'GET') return { status: 405, contentType: 'application/json', body: JSON.stringify({ error: 'use GET' }) };
    const q = url.searchParams;
    const db = q.get('db') ?? 'public';
    const name = decodeURIComponent(m[1]!);
    const flows = deps.flows();
    const host = flows?.get(db, name);
    if (!host) throw new EddyError(StatusCode.FlowNotFound, `Flow not found: ${db}.${name}`);
    if (!host.live) throw new EddyError(StatusCode.Unsupported, `Flow ${db}.${name} is a batching flow (it reruns its query into the sink table): it has no live output to subscribe to`);
    const lastId = (req.headers['last-event-id'] as string | undefined) ?? q.get('last_event_id') ?? undefined;
    const since = q.get('since');
    let start: Partial<ConsumerConfig>;
    if (lastId !== undefined) {
      const n = Number(lastId);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`Last-Event-ID '${lastId}' is not a stream sequence`);
      start = { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: n + 1 };
    } else if (since) {
      const t = Date.parse(since);
      if (Number.isNaN(t)) throw new InvalidArgumentError(`since '${since}' is not a time (use RFC 3339, e.g. 2024-01-01T00:00:00Z)`);
      start = { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(t).toISOString() };
    } else {
      start = { deliver_policy: DeliverPolicy.New };
    }
    const stream = outputStreamName(db, name);
    const ci = await deps.jsm().consumers.add(stream, { ...start, ack_policy: AckPolicy.None, inactive_threshold: 60_000_000_000 });
    // Taken after the consumer exists: every later update reaches the subscriber, and the snapshot covers the earlier ones.
    const snapshot = q.get('snapshot') === 'true' && lastId === undefined ? { watermark: host.watermarkMs(), rows: host.currentRows() } : null;
    return {
      status: 200,
      contentType: 'text/event-stream',
      headers: { 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' },
      stream: (res, r) => void pump(res, r, stream, ci.name, snapshot, () => deps.flows()?.get(db, name)?.watermarkMs() ?? null, deps),
    };
  };
}

async function pump(
  res: ServerResponse, req: IncomingMessage, stream: string, consumerName: string,
  snapshot: { watermark: number | null; rows: unknown[] } | null, watermark: () => number | null, deps: FlowHttpDeps,
): Promise<void> {
  let open = true;
  const close = () => { open = false; };
  req.on('close', close);
  res.on('close', close);
  let position = 0;
  try {
    res.write(': subscribed\n\n');
    // exactJson: the rows' nanosecond times keep every digit (JSON.stringify would round them through a double).
    if (snapshot) res.write(`event: snapshot\ndata: ${exactJson(snapshot)}\n\n`);
    const consumer = await deps.js().consumers.get(stream, consumerName);
    while (open) {
      const iter = await consumer.fetch({ max_messages: 256, expires: deps.progressMs ?? 2000 });
      let got = 0;
      for await (const m of iter) {
        if (!open) break;
        got++;
        position = m.seq;
        res.write(`id: ${m.seq}\nevent: update\ndata: ${m.string()}\n\n`);
      }
      if (open && got === 0) res.write(`event: progress\ndata: ${JSON.stringify({ watermark: watermark(), position })}\n\n`);
    }
  } catch (e) {
    if (open) res.write(`event: error\ndata: ${JSON.stringify({ error: (e as Error).message })}\n\n`);
  } finally {
    await deps.jsm().consumers.delete(stream, consumerName).catch(() => undefined);
    res.end();
  }
}
