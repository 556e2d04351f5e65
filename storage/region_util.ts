// RegionStore helpers kept out of the class: schema-change checks and the stats summary.
import { canCastType, InvalidArgumentError, type TableSchema, type WriteBatch } from '../core/index.ts';
import type { Manifest } from './manifest.ts';
import type { Memtable } from './memtable/memtable.ts';
import type { RegionStats } from './types.ts';

/** Columns may be added and dropped, fields retyped where a cast exists; the time index stays; tags may only be appended to the key. */
export function checkSchemaChange(from: TableSchema, to: TableSchema): void {
  if (to.timeIndex !== from.timeIndex) throw new InvalidArgumentError(`cannot change the time index of ${from.name} from ${from.timeIndex} to ${to.timeIndex}`);
  for (const c of to.columns) {
    const old = from.columns.find((o) => o.name === c.name);
    if (!old || old.type === c.type || c.since !== old.since) continue;
    if (c.semantic !== 'field' || old.semantic !== 'field' || !canCastType(old.type, c.type)) {
      throw new InvalidArgumentError(`cannot change the type of column ${c.name} from ${old.type} to ${c.type}`);
    }
  }
  const prefix = from.primaryKey.every((k, i) => to.primaryKey[i] === k);
  if (!prefix || to.primaryKey.length < from.primaryKey.length) {
    throw new InvalidArgumentError(`primary key of ${from.name} may only grow at the end: (${from.primaryKey.join(', ')}) -> (${to.primaryKey.join(', ')})`);
  }
}

/** Fields of `from` whose data `to` no longer reads: dropped, or dropped and added again under the same name. */
export function droppedColumns(from: TableSchema, to: TableSchema): string[] {
  return from.columns.filter((c) => {
    if (c.semantic !== 'field') return false;
    const now = to.columns.find((n) => n.name === c.name);
    return !now || now.since !== c.since;
  }).map((c) => c.name);
}

/** A batch without the columns dropped at or after its sequence (a WAL replay of writes from before the drop). */
export function withoutDropped(batch: WriteBatch, seq: number, droppedAt: Record<string, number>): WriteBatch {
  if (!batch.columns.some((c) => seq <= (droppedAt[c.name] ?? -Infinity))) return batch;
  return { ...batch, columns: batch.columns.filter((c) => seq > (droppedAt[c.name] ?? -Infinity)) };
}

export function regionStats(regionId: string, m: Manifest, mem: Memtable, frozen: Memtable[], lastSeq: number, schema: TableSchema): RegionStats {
  let lo: bigint | null = null, hi: bigint | null = null;
  const see = (a: bigint | null, b: bigint | null) => {
    if (a !== null && (lo === null || a < lo)) lo = a;
    if (b !== null && (hi === null || b > hi)) hi = b;
  };
  for (const s of m.segments) see(BigInt(s.minTs), BigInt(s.maxTs));
  for (const t of [...frozen, mem]) see(t.minTs, t.maxTs);
  return {
    regionId,
    memRows: mem.rows,
    memBytes: mem.bytes,
    flushingRows: frozen.reduce((n, t) => n + t.rows, 0),
    segments: m.segments.length,
    segmentRows: m.segments.reduce((n, s) => n + s.rows, 0),
    diskBytes: m.segments.reduce((n, s) => n + s.bytes, 0),
    minTs: lo === null ? null : String(lo),
    maxTs: hi === null ? null : String(hi),
    flushedSeq: m.flushedSeq,
    lastSeq,
    schemaVersion: schema.version,
  };
}
