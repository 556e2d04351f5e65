// SQL abstract syntax tree: discriminated unions on `type`; every node keeps its source position.
import type { SourcePos } from './lexer.ts';

export type { SourcePos };

/** An identifier: `value` is lowercased when unquoted, verbatim when quoted ("Foo" or `Foo`). */
export interface Ident {
  value: string;
  /** The quote character when the identifier was quoted (a ' when a name was given as a string). */
  quote?: '"' | '`' | "'";
  pos: SourcePos;
}

/** A possibly qualified name: db.table, catalog.db.table. */
export type ObjectName = Ident[];

// ---------------------------------------------------------------- data types

export interface SqlType {
  /** Canonical upper-case name, e.g. STRING, INT64, UINT32, FLOAT64, TIMESTAMP, DECIMAL, BOOLEAN. */
  name: string;
  /** The name as written. */
  raw: string;
  /** TIMESTAMP(3), DECIMAL(10, 2), VARCHAR(20): the parenthesised arguments. */
  args?: number[];
  unsigned?: boolean;
  /** Timestamp precision in fractional digits (0, 3, 6, 9) for timestamp types. */
  precision?: number;
  /** `INT[]` style arrays, or ARRAY<...>. */
  array?: boolean;
  pos: SourcePos;
}

// ---------------------------------------------------------------- expressions

export interface NumberLit { type: 'number'; value: string; pos: SourcePos }
export interface StringLit { type: 'string'; value: string; pos: SourcePos }
export interface BooleanLit { type: 'boolean'; value: boolean; pos: SourcePos }
export interface NullLit { type: 'null'; pos: SourcePos }
/** INTERVAL '5 minutes' or INTERVAL '1' HOUR (unit upper-cased). */
export interface IntervalLit { type: 'interval'; value: Expr; unit?: string; pos: SourcePos }
/** TIMESTAMP '2024-01-01 00:00:00', DATE '2024-01-01'. */
/** TIMESTAMP '...', DATE '...'; with `hex`, a binary literal X'..' (value: its hex digits, lower case). */
export interface TypedString { type: 'typed_string'; dataType: SqlType; value: string; hex?: boolean; pos: SourcePos }
/** a, t.a, db.t.a */
export interface ColumnRef { type: 'column'; path: Ident[]; pos: SourcePos }
/** * or t.* */
export interface Wildcard { type: 'wildcard'; qualifier?: ObjectName; pos: SourcePos }
export type UnaryOp = '-' | '+' | 'NOT' | '~';
export interface Unary { type: 'unary'; op: UnaryOp; expr: Expr; pos: SourcePos }
export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '||'
  | '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='
  | 'AND' | 'OR'
  | '~' | '!~' | '~*' | '!~*'
  | '&' | '|' | '^' | '#' | '<<' | '>>';
export interface Binary { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: SourcePos }
export interface IsTest {
  type: 'is';
  expr: Expr;
  negated: boolean;
  test: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN';
  pos: SourcePos;
}
export interface IsDistinct { type: 'is_distinct'; left: Expr; right: Expr; negated: boolean; pos: SourcePos }
export interface InList { type: 'in_list'; expr: Expr; list: Expr[]; negated: boolean; pos: SourcePos }
export interface InSubquery { type: 'in_subquery'; expr: Expr; query: Query; negated: boolean; pos: SourcePos }
export interface Between { type: 'between'; expr: Expr; low: Expr; high: Expr; negated: boolean; pos: SourcePos }
export interface Like {
  type: 'like';
  expr: Expr;
  pattern: Expr;
  negated: boolean;
  caseInsensitive: boolean;
  escape?: Expr;
  pos: SourcePos;
}
export interface CaseExpr {
  type: 'case';
  operand?: Expr;
  whens: { when: Expr; then: Expr }[];
  else?: Expr;
  pos: SourcePos;
}
/** CAST(x AS t), TRY_CAST(x AS t), x::t */
export interface Cast { type: 'cast'; expr: Expr; dataType: SqlType; syntax: 'cast' | 'try_cast' | '::'; pos: SourcePos }
export interface OrderByItem { expr: Expr; asc?: boolean; nullsFirst?: boolean; pos: SourcePos }
export interface WindowFrameBound { kind: 'unbounded_preceding' | 'unbounded_following' | 'current_row' | 'preceding' | 'following'; offset?: Expr }
/** EXCLUDE CURRENT ROW | GROUP | TIES (EXCLUDE NO OTHERS, the default, is no `exclude`): rows left out of each frame. */
export type FrameExclude = 'current_row' | 'group' | 'ties';
export interface WindowFrame { units: 'ROWS' | 'RANGE' | 'GROUPS'; start: WindowFrameBound; end?: WindowFrameBound; exclude?: FrameExclude }
export interface WindowSpec { name?: Ident; partitionBy: Expr[]; orderBy: OrderByItem[]; frame?: WindowFrame }
export interface FunctionCall {
  type: 'function';
  name: ObjectName;
  args: Expr[];
  distinct: boolean;
  /** Written without parentheses: CURRENT_TIMESTAMP, CURRENT_DATE. */
  noParens?: boolean;
  /** ORDER BY inside the argument list: string_agg(x, ',' ORDER BY x). */
  orderBy?: OrderByItem[];
  /** WITHIN GROUP (ORDER BY ...) */
  withinGroup?: OrderByItem[];
  filter?: Expr;
  /** IGNORE NULLS / RESPECT NULLS of a value window function (lag, lead, first_value, last_value, nth_value). */
  nulls?: 'ignore' | 'respect';
  over?: WindowSpec;
  pos: SourcePos;
}
/** GreptimeDB range query: <expr> RANGE <duration> [FILL <fill>] in a select item. */
export interface RangeExpr { type: 'range'; expr: Expr; range: Expr; fill?: string; pos: SourcePos }
export interface Subquery { type: 'subquery'; query: Query; pos: SourcePos }
export interface Exists { type: 'exists'; query: Query; negated: boolean; pos: SourcePos }
export interface ArrayLit { type: 'array'; elements: Expr[]; pos: SourcePos }
export interface IndexExpr { type: 'index'; expr: Expr; index: Expr; pos: SourcePos }
/** Parenthesised row: (a, b) — used by IN with tuples and by partition rules. */
export interface Tuple { type: 'tuple'; elements: Expr[]; pos: SourcePos }
/** EXTRACT(field FROM expr) */
export interface Extract { type: 'extract'; field: string; expr: Expr; pos: SourcePos }

export type Expr =
  | NumberLit | StringLit | BooleanLit | NullLit | IntervalLit | TypedString
  | ColumnRef | Wildcard | Unary | Binary | IsTest | IsDistinct | InList | InSubquery | Between | Like
  | CaseExpr | Cast | FunctionCall | RangeExpr | Subquery | Exists | ArrayLit | IndexExpr | Tuple | Extract;

// ---------------------------------------------------------------- queries

export interface SelectItem { expr: Expr; alias?: Ident; pos: SourcePos }

export interface TableAlias { name: Ident; columns?: Ident[] }
export interface TableName { type: 'table'; name: ObjectName; alias?: TableAlias; pos: SourcePos }
export interface DerivedTable { type: 'derived'; query: Query; alias?: TableAlias; pos: SourcePos }
export interface TableFunction { type: 'table_function'; call: FunctionCall; alias?: TableAlias; pos: SourcePos }
export type JoinKind = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'LEFT SEMI' | 'LEFT ANTI' | 'RIGHT SEMI' | 'RIGHT ANTI';
export interface Join {
  type: 'join';
  kind: JoinKind;
  natural?: boolean;
  left: TableRef;
  right: TableRef;
  on?: Expr;
  using?: Ident[];
  pos: SourcePos;
}
export type TableRef = TableName | DerivedTable | TableFunction | Join;

/** GreptimeDB range query: ALIGN <interval> [TO <expr>] [BY (exprs)] [FILL <fill>]. */
export interface AlignClause { align: Expr; to?: Expr; by?: Expr[]; fill?: string; pos: SourcePos }

export interface Select {
  type: 'select';
  distinct: boolean;
  distinctOn?: Expr[];
  projection: SelectItem[];
  from: TableRef[];
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  align?: AlignClause;
  pos: SourcePos;
}
export interface SetOperation {
  type: 'set_op';
  op: 'UNION' | 'INTERSECT' | 'EXCEPT';
  all: boolean;
  left: QueryBody;
  right: QueryBody;
  pos: SourcePos;
}
export interface Values { type: 'values'; rows: Expr[][]; pos: SourcePos }
export type QueryBody = Select | SetOperation | Query | Values;

/** A CTE: a query, or (GreptimeDB) a TQL EVAL whose answer is the CTE's rows. */
export interface Cte { name: Ident; columns?: Ident[]; query: Query | TqlSource; pos: SourcePos }
export interface Query {
  type: 'query';
  with?: { recursive: boolean; ctes: Cte[] };
  body: QueryBody;
  orderBy: OrderByItem[];
  limit?: Expr;
  offset?: Expr;
  pos: SourcePos;
  span?: SourceSpan;
}

// ---------------------------------------------------------------- statements

/** Where a statement sits in the source: [start, end) offsets, and its text. */
export interface SourceSpan { start: number; end: number; text: string }

/** key = value pairs of WITH (...) options; keys as written (quotes stripped), values as strings. */
export type SqlOptions = Record<string, string>;

export interface ColumnDef {
  name: Ident;
  dataType: SqlType;
  nullable?: boolean;
  default?: Expr;
  timeIndex?: boolean;
  primaryKey?: boolean;
  comment?: string;
  /** INVERTED / SKIPPING / FULLTEXT index options declared on the column. */
  indexes?: { kind: 'INVERTED' | 'SKIPPING' | 'FULLTEXT'; options: SqlOptions }[];
  /** COMPRESSION WITH (type, level, page_size): how the column's pages are compressed. */
  compression?: SqlOptions;
  pos: SourcePos;
}

interface StatementBase { span: SourceSpan; pos: SourcePos }

export interface QueryStatement extends StatementBase { type: 'query'; query: Query }
export interface Insert extends StatementBase {
  type: 'insert';
  replace: boolean;
  table: ObjectName;
  columns: Ident[];
  /** VALUES rows or a query. */
  source: Query;
}
export interface Delete extends StatementBase { type: 'delete'; table: ObjectName; where?: Expr }
export interface CreateDatabase extends StatementBase {
  type: 'create_database';
  name: ObjectName;
  ifNotExists: boolean;
  options: SqlOptions;
}
export interface PartitionSpec { columns: Ident[]; rules: Expr[] }
export interface CreateTable extends StatementBase {
  type: 'create_table';
  name: ObjectName;
  ifNotExists: boolean;
  external: boolean;
  columns: ColumnDef[];
  timeIndex?: Ident;
  primaryKey: Ident[];
  engine?: string;
  partitions?: PartitionSpec;
  options: SqlOptions;
  /** Table-level SPATIAL INDEX (lat, lng) [WITH (...)]: EddyDB's spatial index on a latitude/longitude pair. */
  spatialIndexes?: SpatialIndexDef[];
  /** CREATE TABLE t LIKE source */
  like?: ObjectName;
  /** CREATE TABLE t AS SELECT ... */
  query?: Query;
}
export interface SpatialIndexDef {
  lat: Ident;
  lng: Ident;
  options: SqlOptions;
  pos: SourcePos;
}
export interface CreateFlow extends StatementBase {
  type: 'create_flow';
  name: ObjectName;
  orReplace: boolean;
  ifNotExists: boolean;
  sink: ObjectName;
  expireAfter?: Expr;
  evalInterval?: Expr;
  comment?: string;
  options?: SqlOptions;
  /** A SQL query, or a TQL (PromQL) source for `CREATE FLOW ... AS TQL EVAL ...`. */
  query: Query | TqlSource;
}
/** TQL EVAL|EXPLAIN|ANALYZE (start, end, step [, lookback]) <promql>, the PromQL kept as text. */
export interface TqlSource { type: 'tql'; kind: 'EVAL' | 'EXPLAIN' | 'ANALYZE'; params: Expr[]; promql: string; pos: SourcePos }
export interface CreateTask extends StatementBase { type: 'create_task'; name: ObjectName; windowSize: string; query: Query }
export interface CreateView extends StatementBase {
  type: 'create_view';
  name: ObjectName;
  orReplace: boolean;
  ifNotExists: boolean;
  columns: Ident[];
  query: Query;
}
export interface Drop extends StatementBase {
  type: 'drop';
  object: 'TABLE' | 'DATABASE' | 'FLOW' | 'VIEW';
  ifExists: boolean;
  names: ObjectName[];
}
export type AlterTableAction =
  | { kind: 'add_column'; column: ColumnDef; ifNotExists: boolean; location?: { first: true } | { after: Ident } }
  | { kind: 'drop_column'; name: Ident }
  | { kind: 'rename'; newName: Ident }
  | { kind: 'modify_type'; name: Ident; dataType: SqlType }
  | { kind: 'set_default'; name: Ident; default: Expr }
  | { kind: 'drop_default'; name: Ident }
  | { kind: 'set_index'; name: Ident; index: 'INVERTED' | 'SKIPPING' | 'FULLTEXT'; options: SqlOptions }
  | { kind: 'unset_index'; name: Ident; index: 'INVERTED' | 'SKIPPING' | 'FULLTEXT' }
  | { kind: 'set_options'; options: SqlOptions }
  | { kind: 'unset_options'; keys: string[] }
  | { kind: 'repartition'; from: Expr[]; into: Expr[] }
  /** COMMENT ON TABLE / COLUMN, run as an alteration of the table: the comment, or null to remove it. */
  | { kind: 'comment'; column?: Ident; comment: string | null }
  | { kind: 'merge_partition'; rules: Expr[] };
export interface AlterTable extends StatementBase { type: 'alter_table'; table: ObjectName; actions: AlterTableAction[] }
/** COMMENT ON { TABLE t | COLUMN t.c | FLOW f } IS { 'text' | NULL } (GreptimeDB's, as PostgreSQL's). */
export interface CommentOn extends StatementBase {
  type: 'comment_on';
  object: 'TABLE' | 'COLUMN' | 'FLOW';
  /** The table or flow ([db.]name). */
  name: ObjectName;
  /** COLUMN: the column of `name`. */
  column?: Ident;
  /** null: IS NULL, the comment removed. */
  comment: string | null;
}
export interface AlterDatabase extends StatementBase {
  type: 'alter_database';
  name: ObjectName;
  set: SqlOptions;
  unset: string[];
}
export interface Truncate extends StatementBase {
  type: 'truncate';
  table: ObjectName;
  /** TRUNCATE t FILE RANGE (start, end), ...: only files within these time ranges. */
  fileRanges?: [Expr, Expr][];
}
export type ShowKind =
  | 'DATABASES' | 'TABLES' | 'TABLE STATUS' | 'FLOWS' | 'VIEWS' | 'COLUMNS' | 'INDEX' | 'REGION'
  | 'CREATE TABLE' | 'CREATE FLOW' | 'CREATE VIEW' | 'CREATE DATABASE'
  | 'VARIABLES' | 'STATUS' | 'PROCESSLIST' | 'CHARSET' | 'COLLATION' | 'TRIGGERS' | 'FLOW STATUS';
export interface Show extends StatementBase {
  type: 'show';
  kind: ShowKind;
  full: boolean;
  /** SHOW CREATE TABLE t, SHOW COLUMNS FROM t, SHOW VARIABLES name */
  target?: ObjectName;
  /** FROM/IN db */
  database?: ObjectName;
  like?: string;
  where?: Expr;
  /** SHOW CREATE TABLE t FOR POSTGRES_FOREIGN_TABLE */
  variant?: string;
}
export interface Describe extends StatementBase { type: 'describe'; table: ObjectName }
export interface Use extends StatementBase { type: 'use'; database: Ident }
export interface Explain extends StatementBase {
  type: 'explain';
  analyze: boolean;
  verbose: boolean;
  format?: string;
  statement: Statement;
}
export interface Admin extends StatementBase { type: 'admin'; call: FunctionCall }
export interface SetVariable extends StatementBase { type: 'set'; name: ObjectName; value: Expr[] }
/** KILL [QUERY | CONNECTION] <id>: the id as written ('frontend/7' or 7). */
export interface Kill extends StatementBase { type: 'kill'; id: string }
/**
 * PREPARE name FROM 'statement' (MySQL's SQL form) or PREPARE name [(type, ...)] AS statement (PostgreSQL's): the text
 * kept under its name; `?` or `$n` mark its parameters. `types`: PostgreSQL's declared parameter types, as written.
 */
export interface Prepare extends StatementBase { type: 'prepare'; name: string; sql: string; types?: SqlType[] }
/** EXECUTE name [USING expr, ...] (or PostgreSQL's EXECUTE name (expr, ...)): the prepared text with its parameters bound. */
export interface Execute extends StatementBase { type: 'execute'; name: string; args: Expr[] }
/** DEALLOCATE [PREPARE] name: forgets a prepared statement. */
export interface Deallocate extends StatementBase { type: 'deallocate'; name: string }
export interface Tql extends StatementBase, Omit<TqlSource, 'pos'> {}
/**
 * COPY <table> TO|FROM '<path>' [WITH (format = 'csv' | 'json', ...)] [CONNECTION (...)], and
 * COPY (<query>) TO '<path>' ...: GreptimeDB's export and import of a table's rows as files.
 */
export interface Copy extends StatementBase {
  type: 'copy';
  direction: 'TO' | 'FROM';
  table?: ObjectName;
  query?: Query;
  path: string;
  options: SqlOptions;
  connection: SqlOptions;
}

export type Statement =
  | QueryStatement | Insert | Delete
  | CreateDatabase | CreateTable | CreateFlow | CreateTask | CreateView | Drop
  | AlterTable | AlterDatabase | Truncate | CommentOn
  | Show | Describe | Use | Explain | Admin | SetVariable | Kill | Tql | Copy | Prepare | Execute | Deallocate;
