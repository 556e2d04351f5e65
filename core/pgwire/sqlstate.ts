// EddyDB errors as PostgreSQL ErrorResponse fields: SQLSTATE by status code (refined by the failure's class and
// message where one code covers several PostgreSQL conditions) and the character position of the fault.
import { StatusCode } from '../errors.ts';
import type { ErrorFields } from './writer.ts';

/** SQLSTATE codes EddyDB answers with (PostgreSQL's Appendix A). */
export const SqlState = {
  successful: '00000',
  featureNotSupported: '0A000',
  invalidCatalogName: '3D000',
  syntaxError: '42601',
  undefinedTable: '42P01',
  undefinedColumn: '42703',
  undefinedFunction: '42883',
  duplicateTable: '42P07',
  duplicateDatabase: '42P04',
  duplicateColumn: '42701',
  duplicateObject: '42710',
  datatypeMismatch: '42804',
  groupingError: '42803',
  ambiguousColumn: '42702',
  syntaxOrAccess: '42000',
  dataException: '22000',
  invalidTextRepresentation: '22P02',
  numericOutOfRange: '22003',
  divisionByZero: '22012',
  invalidParameterValue: '22023',
  queryCanceled: '57014',
  insufficientPrivilege: '42501',
  outOfMemory: '53200',
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  protocolViolation: '08P01',
  insufficientResources: '53000',
  programLimitExceeded: '54000',
  ioError: '58030',
  internalError: 'XX000',
  undefinedObject: '42704',
} as const;

function stateOf(code: number, message: string, names: string): string {
  switch (code) {
    case StatusCode.InvalidSyntax: return SqlState.syntaxError;
    case StatusCode.TableNotFound: return SqlState.undefinedTable;
    case StatusCode.DatabaseNotFound: return SqlState.invalidCatalogName;
    case StatusCode.TableColumnNotFound: return SqlState.undefinedColumn;
    case StatusCode.TableAlreadyExists: return SqlState.duplicateTable;
    case StatusCode.DatabaseAlreadyExists: return SqlState.duplicateDatabase;
    case StatusCode.TableColumnExists: return SqlState.duplicateColumn;
    case StatusCode.FlowAlreadyExists: return SqlState.duplicateObject;
    case StatusCode.FlowNotFound: case StatusCode.PipelineNotFound: return SqlState.undefinedObject;
    case StatusCode.TypeConflict: return SqlState.datatypeMismatch;
    case StatusCode.Unsupported: return SqlState.featureNotSupported;
    case StatusCode.Cancelled: case StatusCode.DeadlineExceeded: return SqlState.queryCanceled;
    case StatusCode.AccessDenied: case StatusCode.PermissionDenied: return SqlState.insufficientPrivilege;
    case StatusCode.QueryMemoryExceeded: return SqlState.outOfMemory;
    case StatusCode.PayloadTooLarge: return SqlState.programLimitExceeded;
    case StatusCode.ResourcesExhausted: case StatusCode.RateLimited: return SqlState.insufficientResources;
    case StatusCode.StorageUnavailable: case StatusCode.StorageCorrupted: return SqlState.ioError;
    case StatusCode.PlanQuery: {
      if (/^No field named|not found in table|Column .* not exists/.test(message)) return SqlState.undefinedColumn;
      if (/^Invalid function|is not a function|Unknown function/i.test(message)) return SqlState.undefinedFunction;
      if (/^Ambiguous reference/.test(message)) return SqlState.ambiguousColumn;
      if (/GROUP BY|aggregate/i.test(message)) return SqlState.groupingError;
      return SqlState.syntaxOrAccess;
    }
    case StatusCode.InvalidArguments: {
      if (/(^|,)OutOfRangeError(,|$)/.test(names) || /too large to store/.test(message)) return SqlState.numericOutOfRange;
      if (/(^|,)CastError(,|$)/.test(names) || /^Cannot cast|invalid input syntax/i.test(message)) return SqlState.invalidTextRepresentation;
      if (/out of range|overflow/i.test(message)) return SqlState.numericOutOfRange;
      return SqlState.invalidParameterValue;
    }
    case StatusCode.EngineExecuteQuery: {
      if (/divide by zero|division by zero/i.test(message)) return SqlState.divisionByZero;
      if (/overflow|out of range/i.test(message)) return SqlState.numericOutOfRange;
      if (/cast/i.test(message)) return SqlState.invalidTextRepresentation;
      return SqlState.dataException;
    }
  }
  return SqlState.internalError;
}

/** 1-based character offset in `text` of a 1-based line and column. */
export function characterPosition(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    at = nl + 1;
  }
  return at + column;
}

/**
 * The ErrorResponse of any thrown value. `sql` is the query text the positions refer to; an EddyError carries its
 * status code and position, a PostgreSQL-specific failure (PgProtocolError, PgParameterError) its own SQLSTATE.
 */
export function errorFields(e: unknown, sql?: string): ErrorFields {
  const err = e as { code?: unknown; sqlstate?: string; message?: string; name?: string; position?: { line?: number; column?: number; offset?: number } };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const code = typeof err?.code === 'number' ? err.code : e instanceof SyntaxError ? StatusCode.InvalidSyntax : StatusCode.Internal;
  // the class names of the error and its cause: a wrapped failure (an INSERT's cast of one value) keeps its condition
  const names = [err?.name, (err as { cause?: { name?: unknown } })?.cause?.name].filter((x) => typeof x === 'string').join(',');
  const out: ErrorFields = { severity: 'ERROR', code: err?.sqlstate ?? stateOf(code, message, names), message };
  const p = err?.position;
  if (sql !== undefined && p) {
    if (p.line !== undefined && p.column !== undefined) out.position = characterPosition(sql, p.line, p.column);
    else if (p.offset !== undefined && err.sqlstate === undefined) out.position = p.offset + 1;
  }
  return out;
}
