// information_schema virtual tables built from the catalog: schemata, tables, columns.
import type { QueryContext } from '../context.ts';
import type { Rel } from '../plan/rel.ts';
import { fromValues } from '../vector.ts';
import { regionIdOf, sqlTypeName } from '../../schema.ts';
import { indexRows } from './indexes.ts';
import { SQL_TYPE } from '../expr/names.ts';
import { engineOf } from './metric.ts';
import { viewOf } from './view.ts';
import { FLOW_INFORMATION_SCHEMA_TABLES, flowInformationSchema } from './flow.ts';
import { indexStatusRel } from './index_status.ts';
import { indexAdviceRel } from './index_advice.ts';

export const INFORMATION_SCHEMA_TABLES = ['build_info', 'cluster_info', 'columns', 'engines', ...FLOW_INFORMATION_SCHEMA_TABLES, 'index_advice', 'index_status', 'region_peers', 'schemata', 'statistics', 'tables'];

function rel(names: string[], types: string[], rows: unknown[][]): Rel {
  return {
    fields: names.map((name, j) => ({ name, dt: types[j]! })),
    cols: names.map((_n, j) => fromValues(types[j]!, rows.map((r) => r[j] ?? null))),
    len: rows.length,
  };
}

export async function informationSchema(name: string, ctx: QueryContext): Promise<Rel | null> {
  const dbs = [...new Set([...(await ctx.listDatabases()), 'information_schema'])].sort();
  switch (name) {
    case 'schemata':
      return rel(['catalog_name', 'schema_name', 'default_character_set_name', 'default_collation_name', 'sql_path', 'options'],
        ['String', 'String', 'String', 'String', 'String', 'String'], dbs.map((d) => ['greptime', d, 'utf8', 'utf8_bin', null, '']));
    case 'tables': {
      const rows: unknown[][] = [];
      for (const d of dbs) {
        if (d === 'information_schema') {
          for (const t of INFORMATION_SCHEMA_TABLES) rows.push(['greptime', d, t, 'LOCAL TEMPORARY', null, null]);
          continue;
        }
        for (const t of (await ctx.listTables(d)).sort()) {
          const s = await ctx.getTable(d, t);
          rows.push(['greptime', d, t, s && viewOf(s) ? 'VIEW' : 'BASE TABLE', s?.id ?? null, s ? engineOf(s) : 'mito']);
        }
      }
      return rel(['table_catalog', 'table_schema', 'table_name', 'table_type', 'table_id', 'engine'], ['String', 'String', 'String', 'String', 'UInt32', 'String'], rows);
    }
    case 'columns': {
      const rows: unknown[][] = [];
      for (const d of dbs) {
        if (d === 'information_schema') continue;
        for (const t of (await ctx.listTables(d)).sort()) {
          const s = await ctx.getTable(d, t);
          if (!s) continue;
          s.columns.forEach((c, i) => {
            const ty = sqlTypeName(c.type, c.unit, c.sqlType);
            const sql = (SQL_TYPE[ty] ?? ty).toLowerCase();
            rows.push(['greptime', d, t, c.name, i + 1, sql, c.semantic.toUpperCase(), c.defaultExpr ?? (c.defaultValue === undefined ? null : String(c.defaultValue)), c.nullable ? 'Yes' : 'No', sql, c.semantic === 'tag' ? 'PRI' : c.semantic === 'timestamp' ? 'TIME INDEX' : '', ty]);
          });
        }
      }
      return rel(['table_catalog', 'table_schema', 'table_name', 'column_name', 'ordinal_position', 'data_type', 'semantic_type', 'column_default', 'is_nullable', 'column_type', 'column_key', 'greptime_data_type'],
        ['String', 'String', 'String', 'String', 'Int64', 'String', 'String', 'String', 'String', 'String', 'String', 'String'], rows);
    }
    case 'statistics': {
      const rows: unknown[][] = [];
      for (const d of dbs) {
        if (d === 'information_schema') continue;
        for (const t of (await ctx.listTables(d)).sort()) {
          const s = await ctx.getTable(d, t);
          if (!s) continue;
          for (const r of indexRows(s)) rows.push(['greptime', d, t, r.nonUnique, d, r.key, r.seq, r.column, 'A', null, null, null, r.nullable ? 'YES' : '', r.type, '', '', 'YES', null, r.greptimeType]);
        }
      }
      return rel(['table_catalog', 'table_schema', 'table_name', 'non_unique', 'index_schema', 'index_name', 'seq_in_index', 'column_name', 'collation', 'cardinality', 'sub_part', 'packed', 'nullable', 'index_type', 'comment', 'index_comment', 'is_visible', 'expression', 'greptime_index_type'],
        ['String', 'String', 'String', 'Int64', 'String', 'String', 'Int64', 'String', 'String', 'Int64', 'Int64', 'String', 'String', 'String', 'String', 'String', 'String', 'String', 'String'], rows);
    }
    case 'region_peers': {
      const rows: unknown[][] = [];
      const peers = ctx.regionPeers ? await ctx.regionPeers() : null;
      for (const d of dbs) {
        if (d === 'information_schema') continue;
        for (const t of (await ctx.listTables(d)).sort()) {
          const s = await ctx.getTable(d, t);
          if (!s) continue;
          for (let n = 0; n < s.regions; n++) {
            const id = regionIdOf(s.id, n);
            const p = peers?.get(id);
            rows.push(['greptime', d, t, id, p?.peerId ?? 0, p?.peerAddr ?? '', p ? (p.isLeader ? 'Yes' : 'No') : 'Yes', p?.status ?? 'ALIVE', p?.downSeconds ?? null]);
          }
        }
      }
      return rel(['table_catalog', 'table_schema', 'table_name', 'region_id', 'peer_id', 'peer_addr', 'is_leader', 'status', 'down_seconds'],
        ['String', 'String', 'String', 'UInt64', 'UInt64', 'String', 'String', 'String', 'Int64'], rows);
    }
    case 'cluster_info': {
      // Standalone: this node alone, as GreptimeDB's standalone reports itself.
      const now = ctx.now();
      const peers = ctx.clusterInfo ? await ctx.clusterInfo() : [{ peerId: 0, peerType: 'STANDALONE', peerAddr: '', version: '0.1.0', startTime: now, uptimeMs: 0, activeTimeMs: null }];
      const ms = (d: number | null) => (d === null ? null : `${Math.round(d)}ms`);
      return rel(['peer_id', 'peer_type', 'peer_addr', 'version', 'git_commit', 'start_time', 'uptime', 'active_time'],
        ['Int64', 'String', 'String', 'String', 'String', 'TimestampMillisecond', 'String', 'String'],
        peers.map((p) => [p.peerId, p.peerType, p.peerAddr, p.version, '', BigInt(Math.round(p.startTime)), ms(p.uptimeMs), ms(p.activeTimeMs)]));
    }
    case 'engines':
      return rel(['engine', 'support', 'comment', 'transactions', 'xa', 'savepoints'], ['String', 'String', 'String', 'String', 'String', 'String'],
        [['mito', 'DEFAULT', 'Storage engine for time-series data', 'NO', 'NO', 'NO']]);
    case 'index_status':
      return indexStatusRel(ctx);
    case 'index_advice':
      return indexAdviceRel(ctx);
    case 'flows':
    case 'flow_statistics':
      return flowInformationSchema(name, ctx);
    case 'build_info':
      return rel(['git_branch', 'git_commit', 'git_commit_short', 'git_clean', 'pkg_version'], ['String', 'String', 'String', 'String', 'String'], [['main', '', '', 'true', '0.1.0']]);
  }
  return null;
}
