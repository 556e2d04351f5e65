// The shape of every information_schema table GreptimeDB has: its table id and its columns (name, type, nullable), in order.
// One place, read by the table builders (information_schema.ts), DESC, SHOW COLUMNS and information_schema.columns itself.

export interface SystemColumn { name: string; type: string; nullable: boolean }
export interface SystemTableSpec { id: number; columns: SystemColumn[] }

// `name:Type` is NOT NULL, `name:Type?` nullable; bare `name` is a NOT NULL String.
function cols(list: string): SystemColumn[] {
  return list.trim().split(/\s+/).map((item) => {
    const [name, t = 'String'] = item.split(':') as [string, string?];
    const nullable = t.endsWith('?');
    return { name, type: nullable ? t.slice(0, -1) : t, nullable };
  });
}

const S = 'String?';
const TS_US = 'TimestampMicrosecond?';

export const INFORMATION_SCHEMA_SPEC: Record<string, SystemTableSpec> = {
  tables: {
    id: 3,
    columns: cols(`table_catalog table_schema table_name table_type table_id:UInt32? data_length:UInt64? max_data_length:UInt64?
      index_length:UInt64? max_index_length:UInt64? avg_row_length:UInt64? engine:${S} version:UInt64? row_format:${S} table_rows:UInt64?
      data_free:UInt64? auto_increment:UInt64? create_time:${TS_US} update_time:${TS_US} check_time:${TS_US} table_collation:${S}
      checksum:UInt64? create_options:${S} table_comment:${S} temporary:${S}`),
  },
  columns: {
    id: 4,
    columns: cols(`table_catalog table_schema table_name column_name ordinal_position:Int64 character_maximum_length:Int64?
      character_octet_length:Int64? numeric_precision:Int64? numeric_scale:Int64? datetime_precision:Int64? character_set_name:${S}
      collation_name:${S} column_key extra privileges generation_expression greptime_data_type data_type semantic_type
      column_default:${S} is_nullable column_type column_comment:${S} srs_id:Int64?`),
  },
  engines: { id: 5, columns: cols('engine support comment transactions xa savepoints') },
  column_privileges: { id: 6, columns: cols('grantee table_catalog table_schema table_name column_name privilege_type is_grantable') },
  column_statistics: { id: 7, columns: cols('schema_name table_name column_name histogram') },
  build_info: { id: 8, columns: cols('git_branch git_commit git_commit_short git_clean pkg_version') },
  character_sets: { id: 9, columns: cols('character_set_name default_collate_name description maxlen:Int64') },
  collations: { id: 10, columns: cols('collation_name character_set_name id:Int64 is_default is_compiled sortlen:Int64') },
  collation_character_set_applicability: { id: 11, columns: cols('collation_name character_set_name') },
  check_constraints: { id: 12, columns: cols('constraint_catalog constraint_schema constraint_name check_clause') },
  events: {
    id: 13,
    columns: cols(`event_catalog event_schema event_name definer time_zone event_body event_definition event_type
      execute_at:TimestampMicrosecond interval_value:Int64 interval_field sql_mode starts:TimestampMicrosecond ends:TimestampMicrosecond
      status on_completion created:TimestampMicrosecond last_altered:TimestampMicrosecond last_executed:TimestampMicrosecond
      event_comment originator:Int64 character_set_client collation_connection database_collation`),
  },
  files: {
    id: 14,
    columns: cols(`file_id:Int64 file_name file_type tablespace_name table_catalog table_schema table_name logfile_group_name
      logfile_group_number:Int64 engine fulltext_keys deleted_rows:Int64 update_count:Int64 free_extents:Int64 total_extents:Int64
      extent_size:Int64 initial_size:Int64 maximum_size:Int64 autoextend_size:Int64 creation_time:TimestampMicrosecond
      last_update_time:TimestampMicrosecond last_access_time:TimestampMicrosecond recover_time:TimestampMicrosecond
      transaction_counter:Int64 version row_format table_rows:Int64 avg_row_length:Int64 data_length:Int64 max_data_length:Int64
      index_length:Int64 data_free:Int64 create_time:TimestampMicrosecond update_time:TimestampMicrosecond check_time:TimestampMicrosecond
      checksum status extra`),
  },
  schemata: { id: 15, columns: cols(`catalog_name schema_name default_character_set_name default_collation_name sql_path:${S} options:${S}`) },
  key_column_usage: {
    id: 16,
    columns: cols(`constraint_catalog constraint_schema constraint_name table_catalog real_table_catalog table_schema table_name
      column_name ordinal_position:UInt32 position_in_unique_constraint:UInt32? referenced_table_schema:${S} referenced_table_name:${S}
      referenced_column_name:${S} greptime_index_type:${S}`),
  },
  optimizer_trace: { id: 17, columns: cols('query trace missing_bytes_beyond_max_mem_size:Int64 insufficient_privileges:Int64') },
  parameters: {
    id: 18,
    columns: cols(`specific_catalog specific_schema specific_name ordinal_position:Int64 parameter_mode parameter_name data_type
      character_maximum_length:Int64 character_octet_length:Int64 numeric_precision:Int64 numeric_scale:Int64 datetime_precision:Int64
      character_set_name collation_name dtd_identifier routine_type`),
  },
  profiling: {
    id: 19,
    columns: cols(`query_id:Int64 seq:Int64 state duration:Int64 cpu_user:Int64 cpu_system:Int64 context_voluntary:Int64
      context_involuntary:Int64 block_ops_in:Int64 block_ops_out:Int64 messages_sent:Int64 messages_received:Int64
      page_faults_major:Int64 page_faults_minor:Int64 swaps:Int64 source_function source_file source_line:Int64`),
  },
  referential_constraints: {
    id: 20,
    columns: cols(`constraint_catalog constraint_schema constraint_name unique_constraint_catalog unique_constraint_schema
      unique_constraint_name match_option update_rule delete_rule table_name referenced_table_name`),
  },
  routines: {
    id: 21,
    columns: cols(`specific_name routine_catalog routine_schema routine_name routine_type data_type character_maximum_length:Int64
      character_octet_length:Int64 numeric_precision:Int64 numeric_scale:Int64 datetime_precision:Int64 character_set_name
      collation_name dtd_identifier routine_body routine_definition external_name external_language parameter_style
      is_deterministic sql_data_access sql_path security_type created:TimestampMicrosecond last_altered:TimestampMicrosecond
      sql_mode routine_comment definer character_set_client collation_connection database_collation`),
  },
  schema_privileges: { id: 22, columns: cols('grantee table_catalog table_schema privilege_type is_grantable') },
  table_privileges: { id: 23, columns: cols('grantee table_catalog table_schema table_name privilege_type is_grantable') },
  triggers: { id: 24, columns: cols('trigger_name trigger_id:UInt64 trigger_definition flownode_id:UInt64?') },
  global_status: { id: 25, columns: cols('variable_name variable_value') },
  session_status: { id: 26, columns: cols('variable_name variable_value') },
  runtime_metrics: { id: 27, columns: cols(`metric_name value:Float64 labels:${S} peer_addr:${S} peer_type timestamp:TimestampMillisecond`) },
  partitions: {
    id: 28,
    columns: cols(`table_catalog table_schema table_name partition_name subpartition_name:${S} partition_ordinal_position:Int64?
      subpartition_ordinal_position:Int64? partition_method:${S} subpartition_method:${S} partition_expression:${S}
      subpartition_expression:${S} partition_description:${S} table_rows:Int64? avg_row_length:Int64? data_length:Int64?
      max_data_length:Int64? index_length:Int64? data_free:Int64? create_time:${TS_US} update_time:${TS_US} check_time:${TS_US}
      checksum:Int64? partition_comment:${S} nodegroup:${S} tablespace_name:${S} greptime_partition_id:UInt64?`),
  },
  region_peers: {
    id: 29,
    columns: cols(`table_catalog table_schema table_name region_id:UInt64 peer_id:UInt64? peer_addr:${S} is_leader:${S} status:${S} down_seconds:Int64?`),
  },
  table_constraints: { id: 30, columns: cols('constraint_catalog constraint_schema constraint_name table_schema table_name constraint_type enforced') },
  cluster_info: {
    id: 31,
    columns: cols(`peer_id:Int64 peer_type peer_addr:${S} version git_commit start_time:TimestampMillisecond? uptime:${S} active_time:${S}`),
  },
  views: {
    id: 32,
    columns: cols(`table_catalog table_schema table_name view_definition check_option:${S} is_updatable:${S} definer:${S}
      security_type:${S} character_set_client:${S} collation_connection:${S}`),
  },
  procedure_info: {
    id: 34,
    columns: cols(`procedure_id procedure_type start_time:TimestampMillisecond? end_time:TimestampMillisecond? status lock_keys:${S}`),
  },
  region_statistics: {
    id: 35,
    columns: cols(`region_id:UInt64 table_id:UInt32 region_number:UInt32 region_rows:UInt64? written_bytes_since_open:UInt64?
      disk_size:UInt64? memtable_size:UInt64? manifest_size:UInt64? sst_size:UInt64? sst_num:UInt64? index_size:UInt64?
      engine:${S} region_role:${S}`),
  },
  process_list: {
    id: 36,
    columns: cols('id catalog schemas query client frontend start_timestamp:TimestampMillisecond elapsed_time:DurationMillisecond'),
  },
  statistics: {
    id: 37,
    columns: cols(`table_catalog table_schema table_name non_unique:Int64 index_schema index_name seq_in_index:Int64 column_name
      collation:${S} cardinality:Int64? sub_part:Int64? packed:${S} nullable index_type comment index_comment is_visible
      expression:${S} greptime_index_type`),
  },
  // GreptimeDB's SST file catalog. EddyDB's segment files would fill them; the node does not list them to the
  // executor yet, so they answer with their shape and no rows.
  ssts_manifest: {
    id: 38,
    columns: cols(`table_dir region_id:UInt64 table_id:UInt32 region_number:UInt32 region_group:UInt8 region_sequence:UInt32 file_id
      index_version:UInt64 level:UInt8 file_path file_size:UInt64 index_file_path:${S} index_file_size:UInt64? num_rows:UInt64
      num_row_groups:UInt64 num_series:UInt64? min_ts:TimestampNanosecond? max_ts:TimestampNanosecond? sequence:UInt64?
      origin_region_id:UInt64 node_id:UInt64? visible:Boolean primary_key_min:Binary? primary_key_max:Binary?
      max_row_group_uncompressed_size:UInt64 partition_expr:${S}`),
  },
  ssts_storage: { id: 39, columns: cols('file_path file_size:UInt64? last_modified_ms:TimestampMillisecond? node_id:UInt64?') },
  ssts_index_meta: {
    id: 40,
    columns: cols(`table_dir index_file_path region_id:UInt64 table_id:UInt32 region_number:UInt32 region_group:UInt8
      region_sequence:UInt32 file_id index_file_size:UInt64? index_type target_type target_key target_json blob_size:UInt64
      meta_json:${S} node_id:UInt64?`),
  },
};

/** Ids of the information_schema tables whose shape lives with their feature (flows: statements/flow.ts). */
export const OTHER_TABLE_IDS: Record<string, number> = { flows: 33 };

/** The type facts information_schema.columns reports for a column of GreptimeDB type `t`. */
export function typeFacts(t: string): { charLen: number | null; precision: number | null; scale: number | null; datetime: number | null; charset: boolean } {
  const none = { charLen: null, precision: null, scale: null, datetime: null, charset: false };
  if (t === 'String') return { ...none, charLen: 2147483647, charset: true };
  const ints: Record<string, number> = { Int8: 3, Int16: 5, Int32: 10, Int64: 19, UInt8: 3, UInt16: 5, UInt32: 10, UInt64: 20 };
  if (ints[t] !== undefined) return { ...none, precision: ints[t]!, scale: 0 };
  if (t === 'Float32') return { ...none, precision: 12 };
  if (t === 'Float64') return { ...none, precision: 22 };
  const dec = /^Decimal128\((\d+),\s*(-?\d+)\)$/.exec(t);
  if (dec) return { ...none, precision: Number(dec[1]), scale: Number(dec[2]) };
  const ts: Record<string, number> = { TimestampSecond: 0, TimestampMillisecond: 3, TimestampMicrosecond: 6, TimestampNanosecond: 9 };
  if (ts[t] !== undefined) return { ...none, datetime: ts[t]! };
  return none;
}
