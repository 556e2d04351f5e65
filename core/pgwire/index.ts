// Public face of the PostgreSQL v3 wire codec: frames in, backend messages out, values and errors in PostgreSQL's forms.
export * from './protocol.ts';
export { FrameReader, decodeMessage, decodeStartup } from './reader.ts';
export { BackendWriter, sslAnswer, type FieldDescription, type ErrorFields } from './writer.ts';
export { PgProtocolError, PgParameterError } from './errors.ts';
export { Oid, PG_TYPES, PG_TYPE_BY_OID, pgTypeNamed, pgTypeOf, type PgType } from './types.ts';
export { cellEncoder, type CellEncoder, type CellOptions } from './cells.ts';
export { findPlaceholders, inferParameterTypes, bindParameters, parameterLiteral, parameterCount, type Placeholder } from './params.ts';
export { splitStatements, maskNonCode, type StatementText } from './split.ts';
export { errorFields, characterPosition, SqlState } from './sqlstate.ts';
export { numericBinary, numericFromBinary } from './numeric.ts';
export { float4Text, float8Text, timestampText, dateText, intervalText, byteaText } from './text.ts';
export { normalizePgSql } from './dialect.ts';
