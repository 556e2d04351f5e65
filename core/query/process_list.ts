// The statements a frontend is running: information_schema.process_list, SHOW PROCESSLIST, and KILL <id> cancelling one.
import { EddyError, StatusCode } from '../errors.ts';

export interface RunningQuery {
  id: number;
  catalog: string;
  schemas: string[];
  query: string;
  client: string;
  frontend: string;
  /** ms since the epoch. */
  startMs: number;
  /** Aborted by KILL; the executor checks it between steps and at every scan. */
  abort: AbortController;
  /** Unique over time (ids restart with the frontend): the statement's scans carry it (ScanSpec.queryId). */
  queryId: string;
}

/** One per frontend: ids count up from 1 and are shown as `<frontend>/<id>`, as GreptimeDB displays them. */
export class ProcessList {
  private next = 1;
  private readonly running = new Map<number, RunningQuery>();

  constructor(readonly frontend: string, private readonly now: () => number) {}

  register(query: string, schema: string, client: string): RunningQuery {
    const q: RunningQuery = {
      id: this.next++, catalog: 'greptime', schemas: [schema], query, client, frontend: this.frontend,
      startMs: this.now(), abort: new AbortController(), queryId: globalThis.crypto.randomUUID(),
    };
    this.running.set(q.id, q);
    return q;
  }

  finish(q: RunningQuery): void {
    this.running.delete(q.id);
  }

  list(): RunningQuery[] {
    return [...this.running.values()];
  }

  displayId(q: RunningQuery): string {
    return `${q.frontend}/${q.id}`;
  }

  /** KILL '<frontend>/<id>' or KILL <id>: true when a running statement was cancelled. */
  kill(target: string): boolean {
    const m = /^(?:(.*)\/)?(\d+)$/.exec(target.trim());
    if (!m) throw new EddyError(StatusCode.InvalidArguments, `Invalid process id: ${target}`);
    if (m[1] !== undefined && m[1] !== this.frontend) return false;
    const q = this.running.get(Number(m[2]));
    if (!q) return false;
    q.abort.abort(new QueryCancelledError(this.displayId(q)));
    this.running.delete(q.id);
    return true;
  }
}

/**
 * Runs one query registered in the process list: listed while it runs, and KILL answers at once with its reason (the
 * work itself stops where it next checks `q.abort.signal`). The SQL executor and the Prometheus query API both run
 * their queries through it.
 */
export async function runRegistered<T>(pl: ProcessList, text: string, schema: string, client: string, fn: (q: RunningQuery) => Promise<T>): Promise<T> {
  const q = pl.register(text, schema, client);
  try {
    const cancelled = new Promise<never>((_, reject) => {
      q.abort.signal.addEventListener('abort', () => reject(q.abort.signal.reason), { once: true });
    });
    cancelled.catch(() => undefined);
    return await Promise.race([fn(q), cancelled]);
  } finally {
    pl.finish(q);
  }
}

export class QueryCancelledError extends EddyError {
  constructor(id: string) {
    super(StatusCode.Cancelled, `Query ${id} was cancelled (KILL)`);
  }
}
