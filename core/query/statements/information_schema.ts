// information_schema: every table GreptimeDB has (shapes in information_schema_spec.ts), built from the catalog and the node.
import { BUILD_INFO } from '../expr/fn_misc.ts';
import { databaseOptions, databaseOptionsCell } from './database_options.ts';
import type { QueryContext } from '../context.ts';
import type { Rel } from '../plan/rel.ts';
import { fromValues } from '../vector.ts';
import { regionIdOf } from '../../schema.ts';
import { indexRows } from './indexes.ts';
import { FLOW_INFORMATION_SCHEMA_TABLES, flowInformationSchema } from './flow.ts';
import { indexStatusRel } from './index_status.ts';
import { INFORMATION_SCHEMA_SPEC, type SystemColumn } from './information_schema_spec.ts';
import { columnsRows, eachTable, keyColumnUsageRows, partitionsRows, tableConstraintsRows, tablesRows, viewsRows, type Row } from './information_schema_catalog.ts';
import { processListRows } from './process.ts';
import { indexAdviceRel } from './index_advice.ts';
import { PROCEDURE_INFORMATION_SCHEMA_TABLES, procedureInformationSchema } from './procedures.ts';

/** Tables EddyDB builds itself (flows, flow_statistics, index_status, index_advice; procedure_info with GreptimeDB's columns and more, region_events). */
const OWN_TABLES = [...FLOW_INFORMATION_SCHEMA_TABLES, 'index_status', 'index_advice', ...PROCEDURE_INFORMATION_SCHEMA_TABLES];

export const INFORMATION_SCHEMA_TABLES = [...new Set([...Object.keys(INFORMATION_SCHEMA_SPEC), ...OWN_TABLES])].sort();

/** The databases GreptimeDB always has beside the user's. */
export const SYSTEM_DATABASES = ['greptime_private', 'information_schema'];

export async function allDatabases(ctx: QueryContext): Promise<string[]> {
  return [...new Set([...(await ctx.listDatabases()), ...SYSTEM_DATABASES])].sort();
}

function specRel(name: string, rows: Row[]): Rel {
  const cols = INFORMATION_SCHEMA_SPEC[name]!.columns;
  return {
    fields: cols.map((c) => ({ name: c.name, dt: c.type })),
    cols: cols.map((c, j) => fromValues(c.type, rows.map((r) => r[j] ?? null))),
    len: rows.length,
  };
}

/** The columns of an information_schema table (for DESC, SHOW COLUMNS and information_schema.columns), or null. */
export async function systemColumns(name: string, ctx: QueryContext): Promise<SystemColumn[] | null> {
  const spec = INFORMATION_SCHEMA_SPEC[name];
  if (spec && !OWN_TABLES.includes(name)) return spec.columns;
  if (!OWN_TABLES.includes(name)) return null;
  const r = await informationSchema(name, ctx);
  // a table GreptimeDB has and EddyDB extends (procedure_info: steps, error) keeps GreptimeDB's columns as they are
  return r ? r.fields.map((f) => spec?.columns.find((c) => c.name === f.name) ?? { name: f.name, type: f.dt, nullable: true }) : null;
}

async function rowsOf(name: string, ctx: QueryContext): Promise<Row[]> {
  switch (name) {
    case 'schemata':
      return Promise.all((await allDatabases(ctx)).map(async (d) => ['greptime', d, 'utf8', 'utf8_bin', null, databaseOptionsCell(await databaseOptions(ctx, d))]));
    case 'tables':
      return tablesRows(ctx, INFORMATION_SCHEMA_TABLES);
    case 'columns': {
      const system: [string, SystemColumn[]][] = [];
      for (const t of INFORMATION_SCHEMA_TABLES) system.push([t, (await systemColumns(t, ctx)) ?? []]);
      return columnsRows(ctx, system);
    }
    case 'key_column_usage': return keyColumnUsageRows(ctx);
    case 'table_constraints': return tableConstraintsRows(ctx);
    case 'partitions': return partitionsRows(ctx);
    case 'views': return viewsRows(ctx);
    case 'statistics': {
      const rows: Row[] = [];
      await eachTable(ctx, (d, s) => {
        for (const r of indexRows(s)) rows.push(['greptime', d, s.name, r.nonUnique, d, r.key, r.seq, r.column, 'A', null, null, null, r.nullable ? 'YES' : '', r.type, '', '', 'YES', null, r.greptimeType]);
      });
      return rows;
    }
    case 'region_peers': {
      const rows: Row[] = [];
      const peers = ctx.regionPeers ? await ctx.regionPeers() : null;
      await eachTable(ctx, (d, s) => {
        for (let n = 0; n < s.regions; n++) {
          const id = regionIdOf(s.id, n);
          const p = peers?.get(id);
          rows.push(['greptime', d, s.name, id, p?.peerId ?? 0, p?.peerAddr ?? '', p ? (p.isLeader ? 'Yes' : 'No') : 'Yes', p?.status ?? 'ALIVE', p?.downSeconds ?? null]);
        }
      });
      return rows;
    }
    case 'region_statistics': {
      const stats = ctx.regionStats ? await ctx.regionStats() : [];
      return stats.map((r) => {
        const id = BigInt(r.regionId);
        return [id, Number(id >> 32n), Number(id & 0xffffffffn), r.rows, r.writtenBytes, r.diskBytes + r.memtableBytes, r.memtableBytes, 0, r.diskBytes, r.sstNum, r.indexBytes, r.engine, 'Leader'];
      });
    }
    case 'cluster_info': {
      const now = ctx.now();
      const peers = ctx.clusterInfo ? await ctx.clusterInfo() : [{ peerId: 0, peerType: 'STANDALONE', peerAddr: '', version: '0.1.0', startTime: now, uptimeMs: 0, activeTimeMs: null }];
      const ms = (d: number | null) => (d === null ? null : `${Math.round(d)}ms`);
      return peers.map((p) => [p.peerId, p.peerType, p.peerAddr, p.version, '', BigInt(Math.round(p.startTime)) * 1_000_000n, ms(p.uptimeMs), ms(p.activeTimeMs)]);
    }
    case 'engines':
      return [
        ['mito', 'DEFAULT', 'Storage engine for time-series data', 'NO', 'NO', 'NO'],
        ['metric', 'YES', 'Storage engine for observability scenarios, which is adept at handling a large number of small tables, making it particularly suitable for cloud-native monitoring', 'NO', 'NO', 'NO'],
      ];
    case 'build_info': return [[BUILD_INFO.branch, BUILD_INFO.commit, BUILD_INFO.commitShort, BUILD_INFO.clean, BUILD_INFO.version]];
    case 'character_sets': return [['utf8', 'utf8_bin', 'UTF-8 Unicode', 4]];
    case 'collations': return [['utf8_bin', 'utf8', 1, 'Yes', 'Yes', 1]];
    case 'collation_character_set_applicability': return [['utf8_bin', 'utf8']];
    case 'process_list': return processListRows(ctx);
    case 'runtime_metrics': {
      const mem = process.memoryUsage();
      const ts = BigInt(Math.round(ctx.now())) * 1_000_000n;
      const values = ctx.runtimeMetrics?.() ?? { process_resident_memory_bytes: mem.rss, nodejs_heap_used_bytes: mem.heapUsed };
      return Object.entries(values).map(([name, v]) => [name, v, null, null, 'STANDALONE', ts]);
    }
    default: return [];
  }
}

export async function informationSchema(name: string, ctx: QueryContext): Promise<Rel | null> {
  if (name === 'index_status') return indexStatusRel(ctx);
  if (name === 'index_advice') return indexAdviceRel(ctx);
  if (PROCEDURE_INFORMATION_SCHEMA_TABLES.includes(name)) return procedureInformationSchema(name, ctx);
  if (FLOW_INFORMATION_SCHEMA_TABLES.includes(name)) return flowInformationSchema(name, ctx);
  if (!INFORMATION_SCHEMA_SPEC[name]) return null;
  return specRel(name, await rowsOf(name, ctx));
}

/** greptime_private.pipelines: every version of every logs pipeline, as GreptimeDB keeps them (created_at is the version). */
export async function pipelinesRel(ctx: QueryContext): Promise<Rel> {
  const rows = ctx.pipelines ? await ctx.pipelines() : [];
  const cols: [string, string, unknown[]][] = [
    ['name', 'String', rows.map((r) => r.name)], ['schema', 'String', rows.map((r) => r.schema)],
    ['content_type', 'String', rows.map((r) => r.contentType)], ['pipeline', 'String', rows.map((r) => r.pipeline)],
    ['created_at', 'TimestampNanosecond', rows.map((r) => r.createdAtNs)],
  ];
  return { fields: cols.map(([name, dt]) => ({ name, dt })), cols: cols.map(([, dt, v]) => fromValues(dt, v)), len: rows.length };
}
