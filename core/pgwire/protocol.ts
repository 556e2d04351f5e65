// PostgreSQL v3 protocol constants and the frontend message union (what a client sends).

/** Request codes a client sends in place of a protocol version in its first (untyped) message. */
export const StartupCode = {
  protocol3: 196608,
  ssl: 80877103,
  gssenc: 80877104,
  cancel: 80877102,
} as const;

/** Type bytes of frontend messages after startup. */
export const FrontendType = {
  query: 0x51, // 'Q'
  parse: 0x50, // 'P'
  bind: 0x42, // 'B'
  describe: 0x44, // 'D'
  execute: 0x45, // 'E'
  sync: 0x53, // 'S'
  flush: 0x48, // 'H'
  close: 0x43, // 'C'
  terminate: 0x58, // 'X'
  password: 0x70, // 'p'
  copyData: 0x64, // 'd'
  copyDone: 0x63, // 'c'
  copyFail: 0x66, // 'f'
  functionCall: 0x46, // 'F'
} as const;

/** Type bytes of backend messages. */
export const BackendType = {
  authentication: 0x52, // 'R'
  parameterStatus: 0x53, // 'S'
  backendKeyData: 0x4b, // 'K'
  readyForQuery: 0x5a, // 'Z'
  rowDescription: 0x54, // 'T'
  dataRow: 0x44, // 'D'
  commandComplete: 0x43, // 'C'
  emptyQuery: 0x49, // 'I'
  error: 0x45, // 'E'
  notice: 0x4e, // 'N'
  parseComplete: 0x31, // '1'
  bindComplete: 0x32, // '2'
  closeComplete: 0x33, // '3'
  noData: 0x6e, // 'n'
  parameterDescription: 0x74, // 't'
  portalSuspended: 0x73, // 's'
} as const;

/** Transaction status of ReadyForQuery: idle, in a transaction block, in a failed transaction block. */
export type TxStatus = 'I' | 'T' | 'E';

/** Value formats: 0 text, 1 binary. */
export type Format = 0 | 1;

export type StartupMessage =
  | { type: 'startup'; params: Record<string, string> }
  | { type: 'ssl_request' }
  | { type: 'gssenc_request' }
  | { type: 'cancel_request'; pid: number; secret: number };

export type FrontendMessage =
  | { type: 'query'; sql: string }
  | { type: 'parse'; name: string; sql: string; paramTypes: number[] }
  | { type: 'bind'; portal: string; statement: string; paramFormats: Format[]; params: (Uint8Array | null)[]; resultFormats: Format[] }
  | { type: 'describe'; kind: 'S' | 'P'; name: string }
  | { type: 'execute'; portal: string; maxRows: number }
  | { type: 'close'; kind: 'S' | 'P'; name: string }
  | { type: 'sync' }
  | { type: 'flush' }
  | { type: 'terminate' }
  | { type: 'password'; password: string }
  | { type: 'copy_data' | 'copy_done' | 'copy_fail' | 'function_call' };

export type AnyFrontendMessage = StartupMessage | FrontendMessage;
