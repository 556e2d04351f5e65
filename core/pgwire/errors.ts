// Failures of the PostgreSQL wire: a malformed frame (08P01) or a bad parameter value, each with its SQLSTATE.
import { EddyError, StatusCode } from '../errors.ts';

/** A frame that breaks the v3 protocol (truncated, wrong length, unknown type): SQLSTATE 08P01, the connection ends. */
export class PgProtocolError extends EddyError {
  readonly sqlstate: string;
  constructor(message: string, offset?: number, sqlstate = '08P01') {
    super(StatusCode.InvalidSyntax, message, offset !== undefined ? { position: { offset } } : undefined);
    this.sqlstate = sqlstate;
  }
}

/** A Bind parameter that does not read as its declared type (22P02), or a $n with no value (42P02). */
export class PgParameterError extends EddyError {
  readonly sqlstate: string;
  constructor(message: string, sqlstate = '22P02') {
    super(StatusCode.InvalidArguments, message);
    this.sqlstate = sqlstate;
  }
}
