// One statement's limits on the PostgreSQL wire: statement_timeout (the session's, by default --query-timeout) and a
// CancelRequest both abort it with SQLSTATE 57014, as PostgreSQL words them; its scans count against --query-memory-mb.
import { DeadlineExceededError, EddyError, InvalidArgumentError, StatusCode } from '../../../core/index.ts';
import { parseDurationMs } from '../../../core/duration.ts';
import { runWithLimits, type QueryLimits } from '../query_limits.ts';

/** PostgreSQL's message for a statement stopped by a CancelRequest (psql's Ctrl-C, pg's `cancel`). */
export const cancelledByUser = () => new EddyError(StatusCode.Cancelled, 'canceling statement due to user request');
/** PostgreSQL's message for a statement past statement_timeout. */
export const cancelledByTimeout = () => new DeadlineExceededError('canceling statement due to statement timeout');

/**
 * statement_timeout as PostgreSQL reads it: a bare number is milliseconds, else a number and a unit (`5s`, `100ms`,
 * `1min`); 0 is none. Returns ms; a bad value is PostgreSQL's 22023 naming the parameter.
 */
export function statementTimeoutMs(raw: string): number {
  const t = raw.trim();
  let ms: number;
  try {
    ms = parseDurationMs(t, 'statement_timeout', 'ms');
  } catch {
    throw new InvalidArgumentError(`invalid value for parameter "statement_timeout": "${raw}"`);
  }
  if (!Number.isFinite(ms) || ms < 0) throw new InvalidArgumentError(`invalid value for parameter "statement_timeout": "${raw}"`);
  return Math.floor(ms);
}

/** statement_timeout as SHOW prints it (PostgreSQL prints the largest whole unit: 0, 250ms, 5s, 2min). */
export function formatStatementTimeout(ms: number): string {
  if (ms === 0) return '0';
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A running statement: `run` executes under its limits; `cancel` (a CancelRequest) stops it. */
export class StatementRun {
  private readonly ac = new AbortController();
  readonly limits: QueryLimits;
  private timer: NodeJS.Timeout | undefined;
  /** Rejects with the reason once the statement is aborted, so a statement waiting on I/O answers at once. */
  private readonly aborted: Promise<never>;

  constructor(timeoutMs: number, memoryBytes: number) {
    this.limits = { signal: this.ac.signal, deadline: timeoutMs > 0 ? Date.now() + timeoutMs : 0, expired: cancelledByTimeout, memoryBytes, used: 0 };
    this.aborted = new Promise<never>((_, reject) => {
      this.ac.signal.addEventListener('abort', () => reject(this.ac.signal.reason), { once: true });
    });
    this.aborted.catch(() => undefined);
    if (timeoutMs > 0) this.timer = setTimeout(() => this.ac.abort(cancelledByTimeout()), timeoutMs);
  }

  get signal(): AbortSignal {
    return this.ac.signal;
  }

  /** Runs one step of the statement (execution) under its limits; an abort answers at once, the step stops at its next scan. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return Promise.race([runWithLimits(this.limits, fn), this.aborted]);
  }

  /** Throws the abort's reason (between output batches). */
  check(): void {
    if (this.ac.signal.aborted) throw this.ac.signal.reason;
  }

  cancel(): void {
    this.ac.abort(cancelledByUser());
  }

  done(): void {
    clearTimeout(this.timer);
  }
}
