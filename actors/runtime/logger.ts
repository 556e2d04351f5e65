// The node's log: one line per event, text or JSON (--log-format), errors rate-limited per kind with a suppressed count.

export const LogFormats = { text: 'text', json: 'json' } as const;
export type LogFormat = (typeof LogFormats)[keyof typeof LogFormats];

export type LogFields = Record<string, unknown>;

export interface LoggerOptions {
  format?: LogFormat;
  /** Quiet drops info lines; errors are still written (an operator must see why a request failed). */
  quiet?: boolean;
  /** Where a finished line goes (stderr by default; tests collect lines). */
  write?: (line: string) => void;
  /** Milliseconds now; injected so the token buckets can be driven by a test clock. */
  now?: () => number;
  /** Error lines of one kind allowed in a burst, and refilled per second. */
  burst?: number;
  perSecond?: number;
}

interface Bucket {
  tokens: number;
  at: number;
  suppressed: number;
}

/**
 * Errors come from user traffic: a client looping on a bad write must not flood the log, so each kind
 * (http.500, write.rejected, ingest.error, ...) has a token bucket; lines over it are counted, and the
 * next line of that kind carries `suppressed: N`.
 */
export class Logger {
  private readonly buckets = new Map<string, Bucket>();
  private readonly format: LogFormat;
  private readonly write: (line: string) => void;
  private readonly now: () => number;
  private readonly burst: number;
  private readonly perSecond: number;
  readonly quiet: boolean;

  constructor(opts: LoggerOptions = {}) {
    this.format = opts.format ?? LogFormats.text;
    this.quiet = opts.quiet ?? false;
    this.write = opts.write ?? ((l) => process.stderr.write(l + '\n'));
    this.now = opts.now ?? Date.now;
    this.burst = opts.burst ?? 10;
    this.perSecond = opts.perSecond ?? 1;
  }

  /** The plain `(message) => void` the actors take. */
  readonly info = (msg: string, fields?: LogFields): void => {
    if (!this.quiet) this.emit('info', msg, fields);
  };

  /** Not rate-limited: warnings come from the node's own state, not from request traffic. */
  warn(msg: string, fields?: LogFields): void {
    this.emit('warn', msg, fields);
  }

  /** One line per error of `kind` (what failed), within the kind's rate; `fields.error` says why. Returns whether it was written. */
  error(kind: string, msg: string, fields: LogFields = {}): boolean {
    const t = this.now();
    let b = this.buckets.get(kind);
    if (!b) {
      b = { tokens: this.burst, at: t, suppressed: 0 };
      this.buckets.set(kind, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    if (b.tokens < 1) {
      b.suppressed++;
      return false;
    }
    b.tokens -= 1;
    const extra: LogFields = { kind, ...fields };
    if (b.suppressed > 0) {
      extra.suppressed = b.suppressed;
      b.suppressed = 0;
    }
    this.emit('error', msg, extra);
    return true;
  }

  /** Writes the pending "N similar suppressed" counts (at stop, so none is lost). */
  flushSuppressed(): void {
    for (const [kind, b] of this.buckets) {
      if (b.suppressed === 0) continue;
      this.emit('error', `${b.suppressed} similar suppressed`, { kind, suppressed: b.suppressed });
      b.suppressed = 0;
    }
  }

  private emit(level: 'info' | 'warn' | 'error', msg: string, fields?: LogFields): void {
    const time = new Date(this.now()).toISOString();
    if (this.format === LogFormats.json) {
      this.write(JSON.stringify({ time, level, msg, ...fields }, jsonSafe));
      return;
    }
    let line = `${time} eddy: ${level === 'info' ? '' : `${level.toUpperCase()} `}${msg}`;
    if (fields) {
      for (const [k, v] of Object.entries(fields)) line += ` ${k}=${textValue(v)}`;
      if (fields.suppressed !== undefined) line += ` (${String(fields.suppressed)} similar suppressed)`;
    }
    this.write(line);
  }
}

function jsonSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

function textValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v, jsonSafe) ?? String(v);
  return /[\s"=]/.test(s) ? JSON.stringify(s) : s;
}

/** A logger that writes nothing (in-process test nodes). */
export function silentLogger(): Logger {
  return new Logger({ quiet: true, write: () => {} });
}
