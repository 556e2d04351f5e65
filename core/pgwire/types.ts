// PostgreSQL types EddyDB speaks: OIDs, sizes and names, and the PostgreSQL type of each EddyDB column type.

/** OIDs of the built-in types (pg_type.oid), as every client library hard-codes them. */
export const Oid = {
  bool: 16, bytea: 17, char: 18, name: 19, int8: 20, int2: 21, int4: 23, regproc: 24, text: 25, oid: 26,
  json: 114, xml: 142, float4: 700, float8: 701, unknown: 705, bpchar: 1042, varchar: 1043,
  date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, interval: 1186, numeric: 1700,
  regclass: 2205, regtype: 2206, jsonb: 3802, uuid: 2950,
  boolArray: 1000, int2Array: 1005, int4Array: 1007, textArray: 1009, int8Array: 1016, float4Array: 1021, float8Array: 1022,
  varcharArray: 1015, oidArray: 1028, nameArray: 1003, charArray: 1002,
} as const;

export interface PgType {
  oid: number;
  name: string;
  /** pg_type.typlen: bytes, -1 variable, -2 C string. */
  size: number;
  /** pg_type.typcategory. */
  category: string;
  /** OID of the array type of this type (0: none). */
  array: number;
}

const T = (oid: number, name: string, size: number, category: string, array = 0): PgType => ({ oid, name, size, category, array });

/** Every type pg_catalog.pg_type lists, by OID. */
export const PG_TYPES: readonly PgType[] = [
  T(Oid.bool, 'bool', 1, 'B', Oid.boolArray), T(Oid.bytea, 'bytea', -1, 'U', 1001), T(Oid.char, 'char', 1, 'Z', Oid.charArray),
  T(Oid.name, 'name', 64, 'S', Oid.nameArray), T(Oid.int8, 'int8', 8, 'N', Oid.int8Array), T(Oid.int2, 'int2', 2, 'N', Oid.int2Array),
  T(Oid.int4, 'int4', 4, 'N', Oid.int4Array), T(Oid.regproc, 'regproc', 4, 'N', 1008), T(Oid.text, 'text', -1, 'S', Oid.textArray),
  T(Oid.oid, 'oid', 4, 'N', Oid.oidArray), T(Oid.json, 'json', -1, 'U', 199), T(Oid.float4, 'float4', 4, 'N', Oid.float4Array),
  T(Oid.float8, 'float8', 8, 'N', Oid.float8Array), T(Oid.unknown, 'unknown', -2, 'X'), T(Oid.bpchar, 'bpchar', -1, 'S', 1014),
  T(Oid.varchar, 'varchar', -1, 'S', Oid.varcharArray), T(Oid.date, 'date', 4, 'D', 1182), T(Oid.time, 'time', 8, 'D', 1183),
  T(Oid.timestamp, 'timestamp', 8, 'D', 1115), T(Oid.timestamptz, 'timestamptz', 8, 'D', 1185), T(Oid.interval, 'interval', 16, 'T', 1187),
  T(Oid.numeric, 'numeric', -1, 'N', 1231), T(Oid.regclass, 'regclass', 4, 'N', 2210), T(Oid.regtype, 'regtype', 4, 'N', 2211),
  T(Oid.uuid, 'uuid', 16, 'U', 2951), T(Oid.jsonb, 'jsonb', -1, 'U', 3807),
  T(Oid.boolArray, '_bool', -1, 'A'), T(Oid.int2Array, '_int2', -1, 'A'), T(Oid.int4Array, '_int4', -1, 'A'), T(Oid.textArray, '_text', -1, 'A'),
  T(Oid.int8Array, '_int8', -1, 'A'), T(Oid.float4Array, '_float4', -1, 'A'), T(Oid.float8Array, '_float8', -1, 'A'),
  T(Oid.varcharArray, '_varchar', -1, 'A'), T(Oid.oidArray, '_oid', -1, 'A'), T(Oid.nameArray, '_name', -1, 'A'), T(Oid.charArray, '_char', -1, 'A'),
];

export const PG_TYPE_BY_OID: ReadonlyMap<number, PgType> = new Map(PG_TYPES.map((t) => [t.oid, t]));
const BY_NAME = new Map<string, PgType>(PG_TYPES.map((t) => [t.name, t]));

/** SQL spellings of PostgreSQL types (casts such as `$1::integer`, format_type) -> the type. */
const SPELLING: Record<string, string> = {
  boolean: 'bool', smallint: 'int2', integer: 'int4', int: 'int4', bigint: 'int8', real: 'float4', float: 'float8',
  'double precision': 'float8', decimal: 'numeric', 'character varying': 'varchar', character: 'bpchar', string: 'text',
  'timestamp without time zone': 'timestamp', 'timestamp with time zone': 'timestamptz', jsonb: 'jsonb', double: 'float8',
};

/** The PostgreSQL type a type name spells (`int4`, `integer`, `pg_catalog.int8`, `varchar(20)`), or undefined. */
export function pgTypeNamed(spelled: string): PgType | undefined {
  const s = spelled.trim().toLowerCase().replace(/^pg_catalog\./, '').replace(/\s*\(.*\)\s*$/, '').replace(/\s+/g, ' ');
  return BY_NAME.get(SPELLING[s] ?? s);
}

/** Text of a Decimal128(p, s) type name, as GreptimeDB prints it. */
const DECIMAL = /^Decimal(?:128)?\((\d+),\s*(\d+)\)$/;

/** The PostgreSQL type of an EddyDB column type (a GreptimeDB/Arrow type name), and its typmod. */
export function pgTypeOf(dt: string): { type: PgType; typmod: number } {
  const of = (oid: number, typmod = -1) => ({ type: PG_TYPE_BY_OID.get(oid)!, typmod });
  switch (dt) {
    case 'Boolean': return of(Oid.bool);
    case 'Int8': case 'UInt8': case 'Int16': return of(Oid.int2);
    case 'UInt16': case 'Int32': return of(Oid.int4);
    case 'UInt32': case 'Int64': return of(Oid.int8);
    // beyond int8's range: numeric keeps every digit
    case 'UInt64': return of(Oid.numeric);
    case 'Float32': return of(Oid.float4);
    case 'Float64': return of(Oid.float8);
    case 'Binary': case 'Vector': return of(Oid.bytea);
    case 'Date': return of(Oid.date);
    case 'Json': return of(Oid.json);
    case 'IntervalMonthDayNano': case 'DurationSecond': case 'DurationMillisecond': case 'DurationMicrosecond': case 'DurationNanosecond': return of(Oid.interval);
    case 'TimeSecond': return of(Oid.time, 0);
    case 'TimeMillisecond': return of(Oid.time, 3);
    case 'TimeMicrosecond': case 'TimeNanosecond': return of(Oid.time, 6);
    case 'TimestampSecond': return of(Oid.timestamp, 0);
    case 'TimestampMillisecond': return of(Oid.timestamp, 3);
    case 'TimestampMicrosecond': case 'TimestampNanosecond': return of(Oid.timestamp, 6);
  }
  const d = DECIMAL.exec(dt);
  if (d) return of(Oid.numeric, ((Number(d[1]) << 16) | Number(d[2])) + 4);
  return of(Oid.text);
}
