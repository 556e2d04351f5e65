// Table and database WITH options GreptimeDB accepts, and the checks it makes on their values.
import { EddyError, StatusCode } from '../../errors.ts';
import { parseDurationMs } from '../../schema.ts';

const TABLE_KEYS = new Set([
  'ttl', 'append_mode', 'merge_mode', 'storage', 'write_buffer_size', 'sst_format', 'skip_wal', 'auto_flush_interval',
  'max_row_group_row_count', 'comment', 'physical_metric_table', 'on_physical_table', 'primary_key_encoding', 'wal_options',
  'table_data_model', 'compaction.type', 'compaction.override', 'compaction.twcs.time_window', 'compaction.twcs.trigger_file_num',
  'compaction.twcs.max_output_file_size', 'compaction.twcs.max_active_window_runs', 'compaction.twcs.max_active_window_files',
  'compaction.twcs.max_inactive_window_runs', 'compaction.twcs.max_inactive_window_files', 'compaction.twcs.fallback_to_local',
  'compaction.twcs.remote_compaction', 'memtable.type', 'memtable.partition_tree.index_max_keys_per_shard',
  'memtable.partition_tree.data_freeze_threshold', 'memtable.partition_tree.fork_dictionary_bytes', 'index.type', 'index.granularity',
  'index.false_positive_rate', 'index.inverted_index.segment_row_count', 'index.inverted_index.ignore_column_ids',
  'repartition.column.hint', 'mem.type', 'preserve_row_sequence', 'experimental_sst_float_field_encoding',
  // EddyDB's: 'false' keeps the smart index from creating or dropping indexes of the table
  'smart_index',
]);

const DB_KEYS = new Set([
  'ttl', 'compaction.type', 'compaction.twcs.time_window', 'compaction.twcs.trigger_file_num', 'compaction.twcs.max_output_file_size',
  'compaction.twcs.fallback_to_local', 'compaction.twcs.max_active_window_runs', 'compaction.twcs.max_inactive_window_runs',
  'compaction.twcs.remote_compaction', 'memtable.type', 'skip_wal', 'append_mode', 'merge_mode', 'sst_format',
]);

const bad = (m: string) => new EddyError(StatusCode.InvalidArguments, m);

function durationOk(v: string, allowInstant: boolean): boolean {
  const t = v.trim().toLowerCase();
  if (t === 'forever' || t === '') return true;
  if (t === 'instant') return allowInstant;
  try { parseDurationMs(v); return true; } catch { return false; }
}

/** Why a table option value is unacceptable, or null. */
function tableValueError(k: string, v: string): string | null {
  switch (k) {
    case 'ttl': return durationOk(v, true) ? null : 'ttl';
    case 'auto_flush_interval': {
      if (!durationOk(v, false)) return k;
      try { return (parseDurationMs(v) ?? 0) > 0 ? null : k; } catch { return k; }
    }
    case 'max_row_group_row_count': { const n = Number(v); return Number.isInteger(n) && n > 0 && n <= 10485760 ? null : k; }
    case 'append_mode': case 'skip_wal': case 'compaction.twcs.fallback_to_local': case 'smart_index': case 'preserve_row_sequence':
      return /^(true|false)$/i.test(v) ? null : k;
    case 'experimental_sst_float_field_encoding': return v === 'default' || v === 'byte_stream_split' ? null : k;
    case 'merge_mode': return v === '' || /^(last_row|last_non_null)$/.test(v) ? null : k;
    case 'compaction.twcs.trigger_file_num': case 'compaction.twcs.max_active_window_runs': case 'compaction.twcs.max_inactive_window_runs':
      return /^\d+$/.test(v) ? null : k;
    case 'index.type': return /^(skipping|inverted|fulltext)$/i.test(v) ? null : k;
    default: return null;
  }
}

/** CREATE TABLE ... WITH (...): unknown keys and bad values are the user's mistake. */
export function checkCreateTableOptions(opts: Record<string, string>): void {
  for (const [k0, v] of Object.entries(opts)) {
    const k = k0.toLowerCase();
    if (!TABLE_KEYS.has(k)) throw bad(`Unrecognized table option key: ${k0}`);
    if (k === 'storage' && v.toLowerCase() !== 'file' && v !== '') throw bad(`Object store not found: ${v}`);
    if (k === 'max_row_group_row_count' && tableValueError(k, v)) throw bad(`Invalid region options, max_row_group_row_count must be in (0, 10485760], got ${v}`);
    if (k === 'merge_mode' && tableValueError(k, v)) throw bad(`Invalid options: Matching variant not found at line 1 column 25`);
    if (k === 'index.type' && tableValueError(k, v)) throw bad(`Failed to parse region options: Invalid index type: ${v}`);
    if (tableValueError(k, v)) throw bad(`Invalid options: invalid digit found in string`);
  }
  const lower = Object.fromEntries(Object.entries(opts).map(([k, v]) => [k.toLowerCase(), v]));
  if (lower.preserve_row_sequence?.toLowerCase() === 'true' && lower.append_mode?.toLowerCase() !== 'true') {
    throw bad('Invalid region options, preserve_row_sequence is only supported for append-only tables (append_mode must be true)');
  }
  if (lower.append_mode?.toLowerCase() === 'true' && lower.merge_mode !== undefined && lower.merge_mode !== '' && lower.merge_mode !== 'last_row') {
    throw bad('Invalid region options, only last_row merge_mode is allowed when append_mode is enabled');
  }
}

/** ALTER TABLE ... SET: same keys; append_mode may only go from false to true. */
export function checkAlterTableSet(opts: Record<string, string>, appendMode: boolean): void {
  for (const [k0, v] of Object.entries(opts)) {
    const k = k0.toLowerCase();
    if (TABLE_KEYS.has(k) && (v === '' || v.toUpperCase() === 'NULL')) continue;
    if (!TABLE_KEYS.has(k) || (k === 'ttl' && v.toUpperCase() !== 'NULL' && tableValueError(k, v)) || (k !== 'ttl' && tableValueError(k, v))) {
      throw bad(`Invalid set table option request: Invalid set region option request, key: ${k0}, value: ${v}`);
    }
    if (k === 'append_mode' && appendMode && v.toLowerCase() === 'false') {
      throw bad('Invalid region request, err: Only allow changing append_mode from false to true');
    }
    const appending = appendMode || opts.append_mode?.toLowerCase() === 'true';
    if (k === 'preserve_row_sequence' && v.toLowerCase() === 'true' && !appending) {
      throw bad('Invalid region options, preserve_row_sequence is only supported for append-only tables (append_mode must be true)');
    }
  }
}

export function checkAlterTableUnset(keys: string[]): void {
  for (const k of keys) if (!TABLE_KEYS.has(k.toLowerCase())) throw bad(`Invalid unset table option request: Invalid set region option request, key: ${k}`);
}

export function checkDatabaseOptions(opts: Record<string, string>, creating: boolean): void {
  for (const [k0, v] of Object.entries(opts)) {
    const k = k0.toLowerCase();
    const okKey = DB_KEYS.has(k);
    const okVal = k !== 'ttl' || durationOk(v, false);
    if (creating && k === 'ttl' && !okVal) throw bad(`Failed to parse value ${v} into key ttl`);
    if (!okKey || !okVal) throw bad(`Invalid set database option, key: ${k0}, value: ${v}`);
  }
}

export function checkDatabaseUnset(keys: string[]): void {
  for (const k of keys) if (!DB_KEYS.has(k.toLowerCase())) throw bad(`Invalid unset database option, key: ${k}`);
}

/** Table and database names follow GreptimeDB's NAME_PATTERN. */
export function checkName(name: string, what: 'table' | 'database'): void {
  if (!/^[a-zA-Z_:-][a-zA-Z0-9_:\-.@#]*$/.test(name)) {
    throw bad(`Invalid ${what} name: ${name}`);
  }
}
