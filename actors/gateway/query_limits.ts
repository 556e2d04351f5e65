// Per-query limits: a deadline or a client gone away cancels the query at its next scan; scanned bytes are held to a budget.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RecordBatch } from 'apache-arrow';
import { DeadlineExceededError, QueryMemoryExceededError } from '../../core/index.ts';
import type { QueryContext } from '../../core/query/index.ts';

/** One query's limits: the signal that cancels it (its reason is the error) and its memory budget. */
export interface QueryLimits {
  signal: AbortSignal;
  /** Wall-clock ms (Date.now) past which the query stops at its next scan; 0: none. */
  deadline: number;
  /** The error a query past its deadline fails with. */
  expired: () => Error;
  /** Bytes of scanned data the query may hold; 0: no budget. */
  memoryBytes: number;
  /** Bytes of scanned data it holds so far. */
  used: number;
  /** Scans it started so far (the first one starts in the request's own turn: nothing busy ran before it). */
  scans?: number;
}

const current = new AsyncLocalStorage<QueryLimits>();

export function runWithLimits<T>(limits: QueryLimits, fn: () => T): T {
  return current.run(limits, fn);
}

export function currentLimits(): QueryLimits | undefined {
  return current.getStore();
}

/** Bytes an Arrow batch holds in its buffers (values, offsets, validity, dictionaries). */
export function batchBytes(b: RecordBatch): number {
  let n = 0;
  const seen = new Set<ArrayBufferView>();
  const add = (v: ArrayBufferView | undefined | null) => {
    if (v && !seen.has(v)) {
      seen.add(v);
      n += v.byteLength;
    }
  };
  const walk = (d: { values?: ArrayBufferView; valueOffsets?: ArrayBufferView; nullBitmap?: ArrayBufferView; children?: unknown[]; dictionary?: { data: unknown[] } }) => {
    add(d.values);
    add(d.valueOffsets);
    add(d.nullBitmap);
    for (const c of d.children ?? []) walk(c as Parameters<typeof walk>[0]);
    for (const c of d.dictionary?.data ?? []) walk(c as Parameters<typeof walk>[0]);
  };
  walk(b.data as unknown as Parameters<typeof walk>[0]);
  return n;
}

function check(l: QueryLimits): void {
  if (l.signal.aborted) throw l.signal.reason instanceof Error ? l.signal.reason : new DeadlineExceededError('query cancelled');
  if (l.deadline > 0 && Date.now() > l.deadline) throw l.expired();
}

/**
 * `fn` under a signal aborted when `a` or `b` is (with that one's reason); its listeners are removed when `fn` ends, so
 * a session's long-lived signal does not collect one per scan.
 */
export async function eitherSignal<T>(a: AbortSignal, b: AbortSignal | undefined, fn: (s: AbortSignal) => Promise<T>): Promise<T> {
  if (!b || b === a) return fn(a);
  const ac = new AbortController();
  const fromA = () => ac.abort(a.reason);
  const fromB = () => ac.abort(b.reason);
  if (a.aborted) fromA();
  else if (b.aborted) fromB();
  a.addEventListener('abort', fromA, { once: true });
  b.addEventListener('abort', fromB, { once: true });
  try {
    return await fn(ac.signal);
  } finally {
    a.removeEventListener('abort', fromA);
    b.removeEventListener('abort', fromB);
  }
}

/** One turn of the event loop, so a deadline timer and a client's disconnect are seen between scans of a busy query. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A context whose scans stop once the query is cancelled and count their bytes against the budget. `limitsOf` is read
 * at each scan: a request's context passes its own limits, a PostgreSQL session's (which outlives its statements)
 * passes `currentLimits`, so each statement meets its own.
 */
export function limitContext(ctx: QueryContext, limitsOf: () => QueryLimits | undefined): QueryContext {
  const g: QueryContext = Object.create(ctx) as QueryContext;
  g.scan = async (schema, spec) => {
    const l = limitsOf();
    // the running statement's KILL signal (set on this context by the executor) goes into the region's scan too
    const kill = spec.signal ?? g.signal;
    if (!l) return ctx.scan(schema, kill ? { ...spec, signal: kill } : spec);
    // a turn of the event loop before each scan but the first: the time a parse and a plan take is no reason to
    // yield, and the hop was a query's one wait on the event loop (a few tens of us idle, more under load)
    if ((l.scans = (l.scans ?? 0) + 1) > 1) await turn();
    check(l);
    const batches = await eitherSignal(l.signal, kill, (signal) => ctx.scan(schema, { ...spec, signal }));
    check(l);
    if (l.memoryBytes > 0) {
      for (const b of batches) l.used += batchBytes(b);
      if (l.used > l.memoryBytes) throw new QueryMemoryExceededError(l.used, l.memoryBytes);
    }
    return batches;
  };
  if (ctx.partialAggregate) {
    g.partialAggregate = async (schema, sql) => {
      const l = limitsOf();
      if (!l) return ctx.partialAggregate!(schema, sql);
      if ((l.scans = (l.scans ?? 0) + 1) > 1) await turn();
      check(l);
      const r = await ctx.partialAggregate!(schema, sql);
      check(l);
      return r;
    };
  }
  return g;
}
