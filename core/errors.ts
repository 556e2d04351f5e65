// Status codes and error classes shared by every layer; the numeric code crosses NATS and HTTP.

/** Numeric status codes, grouped by range as GreptimeDB does (1xxx common, 2xxx syntax, 3xxx query, 4xxx catalog, 5xxx storage
 * and availability, 6xxx resources, 8xxx flows). A new failure gets a code in its range and a class below. */
export const StatusCode = {
  Success: 0,
  Unknown: 1000,
  Unsupported: 1001,
  Unexpected: 1002,
  Internal: 1003,
  InvalidArguments: 1004,
  Cancelled: 1005,
  InvalidConfig: 1006,
  StartupFailed: 1007,
  InvalidSyntax: 2000,
  PlanQuery: 3000,
  EngineExecuteQuery: 3001,
  TableAlreadyExists: 4000,
  TableNotFound: 4001,
  TableColumnNotFound: 4002,
  TableColumnExists: 4003,
  DatabaseNotFound: 4004,
  RegionNotFound: 4005,
  RegionAlreadyExists: 4006,
  RegionReadonly: 4007,
  DatabaseAlreadyExists: 4008,
  TypeConflict: 4009,
  StorageUnavailable: 5000,
  RequestOutdated: 5001,
  StorageCorrupted: 5002,
  MetaUnavailable: 5003,
  /** A procedure (region migration) failed or was rolled back. */
  ProcedureFailed: 5004,
  ProcedureNotFound: 4010,
  ResourcesExhausted: 6000,
  RateLimited: 6001,
  PayloadTooLarge: 6002,
  FlowAlreadyExists: 8000,
  FlowNotFound: 8001,
  /** Logs engine: a pipeline that does not compile, or a line a pipeline rejects. */
  PipelineInvalid: 2100,
  PipelineNotFound: 4100,
  /** A query that ran past its deadline (--query-timeout, X-Greptime-Timeout) or whose client went away. */
  DeadlineExceeded: 1008,
  /** A query that would hold more than its memory budget (--query-memory-mb). */
  QueryMemoryExceeded: 6003,
  /** Authentication and permissions (7xxx, as GreptimeDB numbers them): 7000-7004 answer 401, 7005-7006 answer 403. */
  UserNotFound: 7000,
  UserPasswordMismatch: 7002,
  AuthHeaderNotFound: 7003,
  InvalidAuthHeader: 7004,
  AccessDenied: 7005,
  PermissionDenied: 7006,
  /** Too many failed logins from one client: HTTP 429 with Retry-After. */
  LoginRateLimited: 7007,
} as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

const codeNames = new Map<number, string>(Object.entries(StatusCode).map(([k, v]) => [v, k]));
export function statusName(code: number): string {
  return codeNames.get(code) ?? 'Unknown';
}

/** True when the code is the caller's mistake (HTTP 4xx), false when it is EddyDB's fault (5xx). */
export function isUserError(code: number): boolean {
  return (code >= 1004 && code < 1007) || code === 1001 || (code >= 2000 && code < 5000) || code === StatusCode.PayloadTooLarge
    || code === StatusCode.FlowAlreadyExists || code === StatusCode.FlowNotFound || code === StatusCode.QueryMemoryExceeded || (code >= 7000 && code < 7100);
}

export function httpStatusOf(code: number): number {
  if (code === StatusCode.PayloadTooLarge) return 413;
  if (code >= 7000 && code <= 7004) return 401;
  if (code === StatusCode.AccessDenied || code === StatusCode.PermissionDenied) return 403;
  if (code === StatusCode.LoginRateLimited) return 429;
  if (code === StatusCode.DeadlineExceeded) return 408;
  if (code === StatusCode.TableNotFound || code === StatusCode.DatabaseNotFound || code === StatusCode.FlowNotFound || code === StatusCode.PipelineNotFound) return 404;
  if (isUserError(code)) return 400;
  if (code === StatusCode.StorageUnavailable || code === StatusCode.RateLimited || code === StatusCode.MetaUnavailable) return 503;
  return 500;
}

/** A position in a text input: 1-based line and column, or a row index for batches. */
export interface Position {
  line?: number;
  column?: number;
  row?: number;
  offset?: number;
}

export function formatPosition(p: Position | undefined): string {
  if (!p) return '';
  if (p.line !== undefined) return ` at line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}`;
  if (p.row !== undefined) return ` at row ${p.row}`;
  if (p.offset !== undefined) return ` at byte ${p.offset}`;
  return '';
}

/** Base error: a status code, a message that names the problem, and where it is. */
export class EddyError extends Error {
  readonly code: number;
  readonly position?: Position;
  constructor(code: number, message: string, options?: { position?: Position; cause?: unknown }) {
    super(message + formatPosition(options?.position), options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    if (options?.position) this.position = options.position;
  }
  toWire(): WireError {
    return { code: this.code, name: statusName(this.code), message: this.message };
  }
}

export class ParseError extends EddyError {
  constructor(message: string, position: Position) {
    super(StatusCode.InvalidSyntax, message, { position });
  }
}
export class InvalidArgumentError extends EddyError {
  constructor(message: string, position?: Position, cause?: unknown) {
    super(StatusCode.InvalidArguments, message, { ...(position ? { position } : {}), ...(cause !== undefined ? { cause } : {}) });
  }
}
/** An index declared with an option out of range, or on a column type its kind cannot index (core/index/). */
export class IndexOptionError extends EddyError {
  constructor(message: string) {
    super(StatusCode.InvalidArguments, message);
  }
}
/** A command-line mistake (unknown flag, missing or bad value): the `eddy` command prints it and exits with status 2. */
export class UsageError extends EddyError {
  constructor(message: string) {
    super(StatusCode.InvalidArguments, message);
  }
}
export class TypeConflictError extends EddyError {
  constructor(message: string, position?: Position) {
    super(StatusCode.TypeConflict, message, position ? { position } : undefined);
  }
}
/** A query failed while it ran (a cast of a bad value, a division by zero, an overflow), at the expression's position. */
export class ExecError extends EddyError {
  constructor(message: string, pos?: { line: number; column: number }, code: number = StatusCode.EngineExecuteQuery, cause?: unknown) {
    super(code, message, pos || cause !== undefined ? { ...(pos ? { position: { line: pos.line, column: pos.column } } : {}), ...(cause !== undefined ? { cause } : {}) } : undefined);
  }
}
/** A value that cannot be cast to the asked type (not a number, out of the type's range): the user's input. */
export class CastError extends ExecError {
  constructor(message: string, pos?: { line: number; column: number }) {
    super(message, pos, StatusCode.InvalidArguments);
  }
}
/** A value outside the target type's range (300 as TINYINT, a decimal with more digits than its precision): PostgreSQL's
 * numeric_value_out_of_range (22003) where a malformed text is invalid_text_representation (22P02). */
export class OutOfRangeError extends CastError {}
/** Division by zero, or an integer overflow that a checked kernel refuses (MIN / -1). */
export class ArithmeticError extends ExecError {
  constructor(message: string, pos?: { line: number; column: number }) {
    super(message, pos, StatusCode.EngineExecuteQuery);
  }
}
/** Prometheus's error type for the HTTP API's `errorType` field. */
export type PromErrorType = 'bad_data' | 'execution' | 'timeout';

/** A PromQL query that does not parse: Prometheus answers `bad_data`; the position names the fault. */
export class PromQLParseError extends EddyError {
  readonly errorType: PromErrorType = 'bad_data';
  constructor(message: string, position: { line: number; column: number; offset: number }) {
    super(StatusCode.InvalidSyntax, message, { position });
  }
}

/** A PromQL query that fails while evaluating (many-to-many matching, a bad regex, a deadline): `execution` or `timeout`. */
export class PromQLExecError extends EddyError {
  readonly errorType: PromErrorType;
  constructor(message: string, errorType: PromErrorType = 'execution', cause?: unknown) {
    super(errorType === 'timeout' ? StatusCode.Cancelled : StatusCode.EngineExecuteQuery, message, cause !== undefined ? { cause } : undefined);
    this.errorType = errorType;
  }
}

export class TableNotFoundError extends EddyError {
  constructor(db: string, table: string) {
    super(StatusCode.TableNotFound, `Table not found: ${db}.${table}`);
  }
}
export class DatabaseNotFoundError extends EddyError {
  constructor(db: string) {
    super(StatusCode.DatabaseNotFound, `Database not found: ${db}`);
  }
}
/** A query the planner cannot plan (unknown column, misuse of an aggregate, a bad clause): a user's mistake, by default 3000 PlanQuery. */
export class PlanError extends EddyError {
  constructor(message: string, pos?: { line: number; column: number }, code: number = StatusCode.PlanQuery, cause?: unknown) {
    super(code, message, { ...(pos ? { position: { line: pos.line, column: pos.column } } : {}), ...(cause !== undefined ? { cause } : {}) });
  }
}
export class PayloadTooLargeError extends EddyError {
  constructor(size: number, limit: number) {
    super(StatusCode.PayloadTooLarge, `Payload of ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}
export class StorageError extends EddyError {
  constructor(message: string, cause?: unknown) {
    super(StatusCode.StorageUnavailable, message, cause !== undefined ? { cause } : undefined);
  }
}
/** A broken invariant inside EddyDB (a bug, never the caller's mistake): HTTP 500. */
export class InternalError extends EddyError {
  constructor(message: string, cause?: unknown) {
    super(StatusCode.Internal, message, cause !== undefined ? { cause } : undefined);
  }
}
/** A bad command-line flag or configuration value; the message names the flag. */
export class InvalidConfigError extends EddyError {
  constructor(message: string, cause?: unknown) {
    super(StatusCode.InvalidConfig, message, cause !== undefined ? { cause } : undefined);
  }
}
/** Something a node needs did not come up (nats-server missing or exiting, JetStream assets not created). */
export class StartupError extends EddyError {
  constructor(message: string, cause?: unknown) {
    super(StatusCode.StartupFailed, message, cause !== undefined ? { cause } : undefined);
  }
}
/** Stored bytes (a WAL record, a segment) that do not decode: the message names what and where. */
export class CorruptDataError extends EddyError {
  constructor(message: string, cause?: unknown) {
    super(StatusCode.StorageCorrupted, message, cause !== undefined ? { cause } : undefined);
  }
}
/** The meta role cannot serve this request here: the node has no meta role or lost the leader lease. Retry. */
export class MetaUnavailableError extends EddyError {
  constructor(message: string, cause?: unknown) {
    super(StatusCode.MetaUnavailable, message, cause !== undefined ? { cause } : undefined);
  }
}

/** A pipeline's YAML or options are wrong, or a line failed in it: names the processor, the field and the YAML line. */
export class PipelineError extends EddyError {
  constructor(message: string, position?: Position, cause?: unknown) {
    super(StatusCode.PipelineInvalid, message, { ...(position ? { position } : {}), ...(cause !== undefined ? { cause } : {}) });
  }
}

export class PipelineNotFoundError extends EddyError {
  constructor(name: string, version?: string) {
    super(StatusCode.PipelineNotFound, `Pipeline not found: ${name}${version !== undefined ? ` (version ${version})` : ''}`);
  }
}

/** The shape of an error on the wire (NATS replies, HTTP bodies). */
export interface WireError {
  code: number;
  name: string;
  message: string;
}

export function toWireError(e: unknown): WireError {
  if (e instanceof EddyError) return e.toWire();
  const msg = e instanceof Error ? e.message : String(e);
  // nats.js's name for a JetStream request nobody answered (a stream electing a leader, JetStream down): unavailable, not a bug
  // ... and JetStream's own "temporarily unavailable" (10008: a stream changing its peers, e.g. moving between servers)
  if (e instanceof Error && (e.name === 'JetStreamNotEnabled' || /JetStream system temporarily unavailable/.test(msg))) return { code: StatusCode.StorageUnavailable, name: statusName(StatusCode.StorageUnavailable), message: `JetStream did not answer (${msg}); retry` };
  return { code: StatusCode.Internal, name: 'Internal', message: msg };
}

export function fromWireError(w: WireError): EddyError {
  return new EddyError(w.code, w.message);
}

/** Missing, malformed or wrong credentials (HTTP 401 with WWW-Authenticate); the message never says which part was wrong. */
export class AuthenticationError extends EddyError {
  constructor(code: typeof StatusCode.UserNotFound | typeof StatusCode.UserPasswordMismatch | typeof StatusCode.AuthHeaderNotFound | typeof StatusCode.InvalidAuthHeader, message: string) {
    super(code, message);
  }
}
/** An authenticated user asking for a database (or an operation) their grants do not cover: HTTP 403. */
export class AccessDeniedError extends EddyError {
  constructor(message: string) {
    super(StatusCode.AccessDenied, message);
  }
}
/** Too many failed logins from one client: refused for `retryAfterS` seconds (HTTP 429 with Retry-After). */
export class LoginRateLimitedError extends EddyError {
  constructor(readonly retryAfterS: number) {
    super(StatusCode.LoginRateLimited, `too many failed logins; retry in ${retryAfterS} s`);
  }
}
/** A query stopped at its deadline or because its client went away. */
export class DeadlineExceededError extends EddyError {
  constructor(message: string) {
    super(StatusCode.DeadlineExceeded, message);
  }
}
/** A query that would hold more scanned data than --query-memory-mb allows; other queries go on. */
export class QueryMemoryExceededError extends EddyError {
  constructor(usedBytes: number, limitBytes: number) {
    super(StatusCode.QueryMemoryExceeded, `query exceeded its memory budget: it would hold ${usedBytes} bytes of scanned data, the limit is ${limitBytes} bytes (--query-memory-mb); narrow the time range or the columns, or raise the limit`);
  }
}
/** Ingest back-pressure: more write bytes in flight than --max-inflight-write-bytes; retry after `retryAfterS`. */
export class WriteBackPressureError extends EddyError {
  constructor(inflight: number, limit: number, readonly retryAfterS = 1) {
    super(StatusCode.RateLimited, `the node is busy: ${inflight} bytes of writes in flight, the limit is ${limit} (--max-inflight-write-bytes); retry after ${retryAfterS} s`);
  }
}
/**
 * Ingest back-pressure: memtables (and writes in flight) hold the writes' share of --memory-limit-mb until a flush
 * frees it; retry after `retryAfterS`. Same code as WriteBackPressureError (HTTP 503 with Retry-After).
 */
export class MemoryBackPressureError extends EddyError {
  constructor(heldBytes: number, limitBytes: number, readonly retryAfterS = 1) {
    super(StatusCode.RateLimited, `the node is busy: memtables and writes in flight hold ${heldBytes} bytes, the writes' share of the memory limit is ${limitBytes} (--memory-limit-mb); flushes are freeing it, retry after ${retryAfterS} s`);
  }
}
/** The node's NATS connection is down (the server restarts, the network broke): writes are refused, not buffered; retry after `retryAfterS` (HTTP 503 with Retry-After). */
export class NatsUnavailableError extends EddyError {
  constructor(message: string, readonly retryAfterS = 1) {
    super(StatusCode.StorageUnavailable, message);
  }
}
/** A procedure (region migration) that failed, or was rolled back; the message says at which step and why. */
export class ProcedureFailedError extends EddyError {
  constructor(message: string, cause?: unknown) {
    super(StatusCode.ProcedureFailed, message, cause !== undefined ? { cause } : undefined);
  }
}
