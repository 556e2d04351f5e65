// GET /v1/logs/tail?db=&table=&where=: rows committed to a log table as Server-Sent Events, one event per row.
//   where=<SQL predicate> | <term>   only matching rows (a bare word matches as a whole term in any text column)
//   since=<RFC 3339 time>            first the stored rows newer than that time, then live rows
//   Last-Event-ID / last_event_id    resume: each event's id is its row's time index in ns; rows newer than it come first
// Live rows come from eddy.changes.<db>.<table> (published after each commit, while announced: the stream announces
// its interest for as long as it is open); history from a SQL query.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  InvalidArgumentError, Subjects, TableNotFoundError, decodeBatches, decodeJsonb, executeSql, isJsonb,
  type Clock, type QueryContext, type Rel, type TableSchema,
} from '../../core/index.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Handler, HttpReply } from '../gateway/http/routes.ts';
import { batchObjects, nsText } from './rows_out.ts';
import { checkTailFilter, isSqlPredicate, type TailFilter } from './tail_filter.ts';
import { followChanges } from '../runtime/interest.ts';

export interface TailDeps {
  nc: () => NatsConnection;
  catalog: () => Catalog;
  contextOf: (db: string) => QueryContext;
  clock: Clock;
  /** Rows sent from history at most. */
  historyLimit?: number;
  keepaliveMs?: number;
}

const enc = new TextEncoder();
const quoteIdent = (s: string) => `"${s.replace(/"/g, `""`)}"`;

/** Stored rows as objects, times as RFC 3339 with ns (and their ns for event ids). */
function relObjects(rel: Rel, timeIndex: string): { obj: Record<string, unknown>; ns: bigint }[] {
  const out: { obj: Record<string, unknown>; ns: bigint }[] = [];
  const ti = rel.fields.findIndex((f) => f.name === timeIndex);
  for (let i = 0; i < rel.len; i++) {
    const obj: Record<string, unknown> = {};
    let ns = 0n;
    rel.fields.forEach((f, k) => {
      const c = rel.cols[k]!;
      let v: unknown = null;
      if (c.kind === 'ts') {
        if (c.valid === null || c.valid[i] === 1) { v = nsText(c.v[i]!); if (k === ti) ns = c.v[i]!; }
      } else if (c.kind === 'num') v = c.valid !== null && c.valid[i] === 0 ? null : c.big ? Number(c.big[i]) : c.v[i];
      else if (c.kind === 'bool') v = c.valid !== null && c.valid[i] === 0 ? null : c.v[i] === 1;
      else {
        const x = c.v[i];
        v = f.dt === 'Json' && typeof x === 'string' && isJsonb(x) ? decodeJsonb(x) : x ?? null;
      }
      obj[f.name] = v;
    });
    out.push({ obj, ns });
  }
  return out;
}

export function tailHandler(d: TailDeps): Handler {
  return async (req, url): Promise<HttpReply> => {
    const q = url.searchParams;
    const db = q.get('db') ?? 'public';
    const table = q.get('table');
    if (!table) throw new InvalidArgumentError('name the table: /v1/logs/tail?table=<name>');
    const schema = await d.catalog().getTable(db, table);
    if (!schema) throw new TableNotFoundError(db, table);
    const where = q.get('where');
    const ctx = () => d.contextOf(db);
    const nowNs = () => BigInt(d.clock.now()) * 1_000_000n;
    let filter: TailFilter;
    try {
      filter = checkTailFilter(where, schema, ctx, nowNs);
    } catch (e) {
      throw new InvalidArgumentError(`tail: bad where '${where}': ${(e as Error).message}`, undefined, e);
    }
    const lastId = (req.headers['last-event-id'] as string | undefined) ?? q.get('last_event_id') ?? undefined;
    let fromNs: bigint | null = null;
    if (lastId !== undefined) {
      if (!/^-?\d+$/.test(lastId)) throw new InvalidArgumentError(`Last-Event-ID '${lastId}' is not a row time in ns`);
      fromNs = BigInt(lastId);
    } else if (q.get('since')) {
      const t = Date.parse(q.get('since')!);
      if (Number.isNaN(t)) throw new InvalidArgumentError(`since '${q.get('since')}' is not a time (use RFC 3339, e.g. 2024-01-01T00:00:00Z)`);
      fromNs = BigInt(t) * 1_000_000n - 1n;
    }
    // Subscribed before the reply: every row committed from now on reaches this subscriber.
    const sub = d.nc().subscribe(Subjects.changes(db, table));
    let follow: { stop(): void };
    try {
      follow = await followChanges(d.nc(), db, table);
    } catch (e) {
      sub.unsubscribe();
      throw e;
    }
    return {
      status: 200,
      contentType: 'text/event-stream',
      headers: { 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' },
      stream: (res, r) => void pump(res, r, sub, follow, schema, filter, where, fromNs, d),
    };
  };
}

async function pump(
  res: ServerResponse, req: IncomingMessage, sub: Subscription, follow: { stop(): void }, schema: TableSchema, filter: TailFilter,
  where: string | null, fromNs: bigint | null, d: TailDeps,
): Promise<void> {
  let open = true;
  const close = () => { open = false; sub.unsubscribe(); follow.stop(); };
  req.on('close', close);
  res.on('close', close);
  const keepalive = setInterval(() => { if (open) res.write(': keepalive\n\n'); }, d.keepaliveMs ?? 15_000);
  const send = (obj: Record<string, unknown>, ns: bigint) => { res.write(`id: ${ns}\nevent: row\ndata: ${JSON.stringify(obj)}\n\n`); };
  try {
    res.write(': subscribed\n\n');
    let historyMax: bigint | null = null;
    if (fromNs !== null) {
      const ti = quoteIdent(schema.timeIndex);
      const pred = where && isSqlPredicate(where) ? ` AND (${where})` : '';
      const sql = `SELECT * FROM ${quoteIdent(schema.name)} WHERE ${ti} > '${nsText(fromNs)}'${pred} ORDER BY ${ti} LIMIT ${d.historyLimit ?? 10000}`;
      const [out] = await executeSql(d.contextOf(schema.db), sql);
      const rel = (out as { rel?: Rel } | undefined)?.rel;
      if (rel) {
        const term = where && !isSqlPredicate(where) ? where.trim() : null;
        for (const { obj, ns } of relObjects(rel, schema.timeIndex)) {
          if (term && !Object.values(obj).some((v) => typeof v === 'string' && v.includes(term))) continue;
          send(obj, ns);
          if (historyMax === null || ns > historyMax) historyMax = ns;
        }
      }
    }
    const ti = schema.timeIndex;
    for await (const m of sub) {
      if (!open) break;
      for (const b of decodeBatches(m.data)) {
        const rows = filter(b);
        if (rows.length === 0) continue;
        const tc = b.columns.find((c) => c.name === ti);
        const objs = batchObjects(b, schema, rows);
        for (let k = 0; k < objs.length; k++) {
          const ns = tc ? (tc.values as BigInt64Array)[rows[k]!]! : 0n;
          // Rows committed while the history was read are in it already.
          if (historyMax !== null && ns <= historyMax) continue;
          send(objs[k]!, ns);
        }
      }
    }
  } catch (e) {
    if (open) res.write(`event: error\ndata: ${JSON.stringify({ error: (e as Error).message })}\n\n`);
  } finally {
    clearInterval(keepalive);
    sub.unsubscribe();
    follow.stop();
    res.end();
  }
}

export { enc };
