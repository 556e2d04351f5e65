// DDL statements: CREATE/DROP DATABASE and TABLE, ALTER TABLE, TRUNCATE, building TableSchema from the AST.
import { databaseOptions, ttlMsOf, withInheritedTtl } from './database_options.ts';
import { canCastType, parseDurationMs } from '../../schema.ts';
import { EddyError, PlanError, StatusCode } from '../../errors.ts';
import type { ColumnSchema, DataType as StoreType, TableSchema, TimeUnit } from '../../schema.ts';
import type { AlterTable, ColumnDef, CreateTable, Expr, ObjectName, SqlOptions as Options } from '../../sql/index.ts';
import type { QueryContext } from '../context.ts';
import { sqlTypeToDt } from '../expr/eval.ts';
import { TIME_TYPES, TS_TYPES } from '../vector.ts';
import { fnName } from '../plan/walk.ts';
import { partitionRuleOf } from '../../partition.ts';
import { isPhysical, logicalTables, orderLogical, physicalOf } from './metric.ts';
import { spatialIndexesOf } from './spatial_ddl.ts';
import { compressionOptions, setIndex, unsetIndex } from './indexes.ts';
import { checkAlterTableSet, checkAlterTableUnset, checkName } from './options.ts';

export function tableName(name: ObjectName, ctx: QueryContext): { db: string; table: string } {
  const p = name.map((x) => x.value);
  return { db: p.length >= 2 ? p[p.length - 2]! : ctx.db, table: p[p.length - 1]! };
}

/** Storage type, declared unit and GreptimeDB type name (when narrower than storage) of a SQL column type. */
export function columnType(def: ColumnDef): { type: StoreType; unit?: TimeUnit; sqlType?: string } {
  const dt = sqlTypeToDt(def.dataType, def.dataType.pos);
  const unit = TS_TYPES[dt];
  if (unit) return { type: 'timestamp', unit };
  switch (dt) {
    case 'Int64': return { type: 'int64' };
    case 'UInt64': return { type: 'uint64' };
    case 'Float64': return { type: 'float64' };
    case 'String': return { type: 'string' };
    case 'Boolean': return { type: 'boolean' };
    case 'Date': return { type: 'timestamp', unit: 'ms', sqlType: 'Date' };
    // TIME(p): nanoseconds since midnight in a timestamp column, reported by its own name (TimeMillisecond, ..)
    case 'TimeSecond': case 'TimeMillisecond': case 'TimeMicrosecond': case 'TimeNanosecond': return { type: 'timestamp', unit: TIME_TYPES[dt], sqlType: dt };
    // JSON: stored as a string column holding the binary layout of core/json/jsonb.ts.
    case 'Json': return { type: 'string', sqlType: 'Json' };
    // Binary: stored as a string column holding the bytes in hex (expr/bytes.ts)
    case 'Binary': return { type: 'string', sqlType: 'Binary' };
    case 'Float32': return { type: 'float64', sqlType: 'Float32' };
    // INTERVAL: a string column holding the interval's text (read back by fromValues)
    case 'IntervalMonthDayNano': return { type: 'string', sqlType: dt };
    default:
      // DECIMAL(p, s): a double holds every value of up to 15 digits exactly (printed back from its 15 significant
      // digits); a wider one is a string column of its exact decimal text, read back as unscaled 128-bit integers.
      if (dt.startsWith('Decimal128(')) return { type: Number(/\((\d+)/.exec(dt)![1]) > 15 ? 'string' : 'float64', sqlType: dt };
      // VECTOR(dim): a string column holding the canonical text '[1,2,3]' (expr/fn_vector.ts)
      if (dt.startsWith('Vector(')) return { type: 'string', sqlType: dt };
      if (dt.startsWith('UInt')) return { type: 'uint64', sqlType: dt };
      if (dt.startsWith('Int')) return { type: 'int64', sqlType: dt };
      throw new PlanError(`Unsupported column type ${def.dataType.raw}`, def.dataType.pos, StatusCode.InvalidArguments);
  }
}

function defaultOf(e: Expr | undefined): Pick<ColumnSchema, 'defaultValue' | 'defaultExpr'> {
  if (!e) return {};
  switch (e.type) {
    case 'number': return { defaultValue: Number(e.value) };
    case 'string': return { defaultValue: e.value };
    case 'boolean': return { defaultValue: e.value };
    case 'null': return { defaultValue: null };
    case 'unary': if (e.op === '-' && e.expr.type === 'number') return { defaultValue: -Number(e.expr.value) }; break;
    case 'function': return { defaultExpr: `${fnName(e)}()` };
    default: break;
  }
  throw new PlanError('Unsupported DEFAULT expression', e.pos, StatusCode.Unsupported);
}

export function buildColumn(def: ColumnDef, semantic: ColumnSchema['semantic']): ColumnSchema {
  const t = columnType(def);
  const col: ColumnSchema = { name: def.name.value, type: t.type, semantic, nullable: semantic === 'timestamp' ? false : def.nullable ?? true };
  if (t.unit) col.unit = t.unit;
  if (t.sqlType) col.sqlType = t.sqlType;
  Object.assign(col, defaultOf(def.default));
  if (def.comment !== undefined) col.comment = def.comment;
  let out = col;
  for (const ix of def.indexes ?? []) out = setIndex(out, ix.kind, ix.options);
  if (def.compression) out = { ...out, compression: compressionOptions(def.name.value, t.sqlType ?? t.type, def.compression) };
  return out;
}

export function applyOptions(opts: Options, into: TableSchema['options'], pos: CreateTable['pos']): void {
  for (const [k0, v] of Object.entries(opts)) {
    const k = k0.toLowerCase();
    if (k === 'ttl') {
      try {
        const ms = parseDurationMs(v);
        // '0s' keeps rows forever, as GreptimeDB reads it
        if (ms === undefined || ms === 0) delete into.ttlMs;
        else into.ttlMs = ms;
      } catch (e) {
        throw new PlanError(`Invalid ttl '${v}': ${(e as Error).message}`, pos, StatusCode.InvalidArguments);
      }
      (into.extra ??= {})['ttl'] = v;
    } else if (k === 'append_mode') into.appendMode = v.toLowerCase() === 'true';
    else (into.extra ??= {})[k0] = v;
  }
}

export function buildSchema(s: CreateTable, ctx: QueryContext): Omit<TableSchema, 'id'> {
  const { db, table } = tableName(s.name, ctx);
  const pk = new Set([...s.primaryKey.map((p) => p.value), ...s.columns.filter((c) => c.primaryKey).map((c) => c.name.value)]);
  const tiName = s.timeIndex?.value ?? s.columns.find((c) => c.timeIndex)?.name.value;
  if (!tiName) throw new PlanError('Missing timestamp column in table definition (TIME INDEX)', s.pos, StatusCode.InvalidArguments);
  const inlinePk = s.columns.filter((c) => c.primaryKey);
  if (inlinePk.length > 1) throw new PlanError('Illegal primary keys definition: not allowed to inline multiple primary keys in columns options', inlinePk[1]!.pos, StatusCode.InvalidArguments);
  if (inlinePk.length && s.primaryKey.length > inlinePk.length) throw new PlanError('Illegal primary keys definition: found definitions of primary keys in multiple places', s.pos, StatusCode.InvalidArguments);
  const seen = new Set<string>();
  const columns = s.columns.map((c) => {
    if (c.name.value === tiName && c.nullable === true) throw new PlanError(`Invalid column option, column name: ${c.name.value}, error: time index column can't be null`, c.pos, StatusCode.InvalidArguments);
    if (seen.has(c.name.value)) throw new PlanError(`Duplicate column name ${c.name.value}`, c.pos, StatusCode.InvalidArguments);
    seen.add(c.name.value);
    const sem = c.name.value === tiName ? 'timestamp' : pk.has(c.name.value) ? 'tag' : 'field';
    const col = buildColumn(c, sem);
    if (sem === 'timestamp' && (col.type !== 'timestamp' || TIME_TYPES[col.sqlType ?? ''] !== undefined)) throw new PlanError(`Time index column ${tiName} must be a timestamp`, c.pos, StatusCode.InvalidArguments);
    return col;
  });
  if (!seen.has(tiName)) throw new PlanError(`Time index column ${tiName} is not defined`, s.pos, StatusCode.InvalidArguments);
  const primaryKey = [...pk];
  for (const k of primaryKey) if (!seen.has(k)) throw new PlanError(`Primary key column ${k} is not defined`, s.pos, StatusCode.InvalidArguments);
  if (pk.has(tiName)) primaryKey.splice(primaryKey.indexOf(tiName), 1);
  const options: TableSchema['options'] = {};
  applyOptions(s.options, options, s.pos);
  const partition = s.partitions && s.partitions.rules.length > 1 ? { partition: partitionRuleOf(s.partitions, columns) } : {};
  return { db, name: table, version: 0, columns, timeIndex: tiName, primaryKey, options, regions: Math.max(1, s.partitions?.rules.length ?? 1), createdAt: ctx.now(), ...partition, ...spatialIndexesOf(s.spatialIndexes, columns) };
}

/** A column default carried over a type change, converted as GreptimeDB casts it. */
function castDefault(v: string | number | boolean, type: StoreType, sqlType?: string): string | number | boolean | null {
  switch (type) {
    case 'boolean': return typeof v === 'string' ? v.toLowerCase() === 'true' : Boolean(v);
    case 'int64': case 'uint64': { const n = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v); return Number.isFinite(n) ? Math.trunc(n) : null; }
    case 'float64': { const n = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v); void sqlType; return Number.isFinite(n) ? n : null; }
    case 'string': return String(v);
    default: return v;
  }
}

export async function alterTable(s: AlterTable, ctx: QueryContext): Promise<void> {
  const { db, table } = tableName(s.table, ctx);
  const cur = await ctx.getTable(db, table);
  if (!cur) throw new EddyError(StatusCode.TableNotFound, `Table not found: ${db}.${table}`);
  const logical = physicalOf(cur) !== undefined;
  if (isPhysical(cur) && s.actions.some((a) => !['set_options', 'unset_options', 'set_index', 'unset_index'].includes(a.kind))) {
    throw new EddyError(StatusCode.Unsupported, `Alter request to physical region is forbidden`);
  }
  if (logical && s.actions.some((a) => a.kind !== 'add_column' && a.kind !== 'comment')) {
    throw new EddyError(StatusCode.InvalidArguments, 'Alter logical tables invalid arguments: Only support add columns operation');
  }
  for (const a of s.actions) {
    if (a.kind === 'set_options') checkAlterTableSet(a.options, cur.options.appendMode === true);
    else if (a.kind === 'unset_options') checkAlterTableUnset(a.keys);
    else if ((a.kind === 'add_column' && /interval/i.test(a.column.dataType.name)) || (a.kind === 'modify_type' && /interval/i.test(a.dataType.name))) {
      throw new PlanError(`Not supported: ${a.kind === 'add_column' ? 'Add column with' : 'Modify column type to'} interval type`, s.pos, StatusCode.Unsupported);
    } else if (a.kind === 'rename') {
      checkName(a.newName.value, 'table');
      if (await ctx.getTable(db, a.newName.value)) throw new EddyError(StatusCode.TableAlreadyExists, `Table already exists, table: greptime.${db}.${a.newName.value}`);
    }
  }
  const dbTtl = ttlMsOf((await databaseOptions(ctx, db)).ttl);
  await ctx.alterTable(db, table, (old) => {
    let sch: TableSchema = { ...old, columns: [...old.columns], primaryKey: [...old.primaryKey], options: { ...old.options, extra: { ...old.options.extra } }, version: old.version + 1 };
    for (const a of s.actions) {
      const find = (n: string) => {
        const i = sch.columns.findIndex((c) => c.name === n);
        if (i < 0) throw new EddyError(StatusCode.TableColumnNotFound, `Column ${n} not exists in table ${table}`);
        return i;
      };
      switch (a.kind) {
        case 'add_column': {
          if (sch.columns.some((c) => c.name === a.column.name.value)) {
            if (a.ifNotExists) break;
            throw new EddyError(StatusCode.TableColumnExists, `Column ${a.column.name.value} already exists in table ${table}`);
          }
          const tag = a.column.primaryKey === true;
          if (a.column.timeIndex) throw new PlanError('Cannot add a time index column', a.column.pos, StatusCode.InvalidArguments);
          const col: ColumnSchema = { ...buildColumn(a.column, tag ? 'tag' : 'field'), since: sch.version };
          if (!col.nullable && col.defaultValue === undefined && col.defaultExpr === undefined) {
            throw new PlanError(`Cannot add a NOT NULL column ${col.name} without a default value`, a.column.pos, StatusCode.InvalidArguments);
          }
          if (a.location && 'first' in a.location) sch.columns.unshift(col);
          else if (a.location && 'after' in a.location) sch.columns.splice(find(a.location.after.value) + 1, 0, col);
          else sch.columns.push(col);
          if (tag) sch.primaryKey.push(col.name);
          break;
        }
        case 'drop_column': {
          const i = find(a.name.value);
          const c = sch.columns[i]!;
          if (c.semantic !== 'field') throw new EddyError(StatusCode.InvalidArguments, `Not allowed to remove index column ${c.name} from table ${table}`);
          sch.columns.splice(i, 1);
          break;
        }
        case 'rename': sch = { ...sch, name: a.newName.value }; break;
        case 'modify_type': {
          const i = find(a.name.value);
          const c = sch.columns[i]!;
          if (c.semantic === 'timestamp') throw new EddyError(StatusCode.InvalidArguments, `Invalid alter table(${table}) request: Not allowed to change timestamp index column '${c.name}' datatype`);
          if (c.semantic === 'tag') throw new EddyError(StatusCode.InvalidArguments, `Invalid alter table(${table}) request: Not allowed to change primary key index column '${c.name}'`);
          if (!c.nullable) throw new EddyError(StatusCode.InvalidArguments, `Invalid alter table(${table}) request: column '${c.name}' must be nullable to ensure safe conversion.`);
          const t = columnType({ name: a.name, dataType: a.dataType, pos: a.name.pos });
          // stored values are cast by their storage type (storage/cast.ts), which reads a time of day's nanoseconds as an
          // instant: a TIME column changes only to another TIME, and no other column becomes one
          const timeOf = (x?: string) => TIME_TYPES[x ?? ''] !== undefined;
          if (!canCastType(c.type, t.type) || timeOf(c.sqlType) !== timeOf(t.sqlType)) {
            throw new PlanError(`Invalid alter table(${table}) request: column '${c.name}' cannot be cast from ${c.sqlType ?? c.type} to ${a.dataType.name}`, a.name.pos, StatusCode.InvalidArguments);
          }
          const nc: ColumnSchema = { ...c, type: t.type };
          if (nc.defaultValue !== undefined && nc.defaultValue !== null) nc.defaultValue = castDefault(nc.defaultValue, t.type, t.sqlType);
          delete nc.sqlType; delete nc.unit;
          if (t.sqlType) nc.sqlType = t.sqlType;
          if (t.unit) nc.unit = t.unit;
          sch.columns[i] = nc;
          break;
        }
        case 'set_default': {
          const i = find(a.name.value);
          const nc = { ...sch.columns[i]! };
          if (a.default.type === 'null' && !nc.nullable) throw new EddyError(StatusCode.InvalidArguments, 'Default value should not be null for non null column');
          delete nc.defaultValue; delete nc.defaultExpr;
          Object.assign(nc, defaultOf(a.default));
          sch.columns[i] = nc;
          break;
        }
        case 'drop_default': {
          const i = find(a.name.value);
          const nc = { ...sch.columns[i]! };
          if (!nc.nullable) throw new EddyError(StatusCode.InvalidArguments, `Invalid alter table(${table}) request: column ${nc.name} is not nullable and \`default\` cannot be dropped`);
          delete nc.defaultValue; delete nc.defaultExpr;
          sch.columns[i] = nc;
          break;
        }
        case 'set_options': {
          const opts = { ...a.options };
          for (const k of Object.keys(opts)) {
            if (opts[k]!.toUpperCase() !== 'NULL' && opts[k] !== '') continue;
            // SET ttl = NULL is the table's own TTL, forever (GreptimeDB's); UNSET is what lets the database's apply
            if (k.toLowerCase() === 'ttl') { opts[k] = 'forever'; continue; }
            delete opts[k];
            if (k.toLowerCase() === 'ttl') delete sch.options.ttlMs;
            if (sch.options.extra) delete sch.options.extra[k];
          }
          applyOptions(opts, sch.options, s.pos);
          // an append-only table keeps every row: its merge mode means nothing, and GreptimeDB drops it
          if (sch.options.appendMode && sch.options.extra) for (const k of Object.keys(sch.options.extra)) if (k.toLowerCase() === 'merge_mode') delete sch.options.extra[k];
          break;
        }
        case 'unset_options':
          for (const k of a.keys) {
            if (k.toLowerCase() === 'ttl') delete sch.options.ttlMs;
            if (k.toLowerCase() === 'append_mode') delete sch.options.appendMode;
            if (sch.options.extra) delete sch.options.extra[k];
          }
          break;
        case 'comment': {
          if (a.column) {
            const i = find(a.column.value);
            const nc = { ...sch.columns[i]! };
            if (a.comment === null) delete nc.comment;
            else nc.comment = a.comment;
            sch.columns[i] = nc;
          } else if (a.comment === null) delete sch.options.extra!.comment;
          else sch.options.extra!.comment = a.comment;
          break;
        }
        case 'set_index': { const i = find(a.name.value); sch.columns[i] = setIndex(sch.columns[i]!, a.index, a.options); break; }
        case 'unset_index': { const i = find(a.name.value); sch.columns[i] = unsetIndex(sch.columns[i]!, a.index); break; }
        default: throw new PlanError(`ALTER TABLE ${a.kind} is not supported`, s.pos, StatusCode.Unsupported);
      }
    }
    if (logical) sch.columns = orderLogical(sch.columns);
    // a table whose own TTL was unset keeps its rows for the database's
    return withInheritedTtl(sch, dbTtl);
  });
  // a physical metric table's TTL and append mode are its logical tables': copy them into their regions
  if (isPhysical(cur) && s.actions.some((a) => (a.kind === 'set_options' || a.kind === 'unset_options'))) {
    const phy = (await ctx.getTable(db, table))!;
    for (const l of await logicalTables(ctx, db, table)) {
      await ctx.alterTable(db, l.name, (o) => ({ ...o, version: o.version + 1, options: { ...o.options, ttlMs: phy.options.ttlMs, appendMode: phy.options.appendMode } }));
    }
  }
}
