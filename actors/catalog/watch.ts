// Cluster nodes: keeps the catalog's in-memory cache in step with schema changes other nodes make (a KV watch), and finds a region's table.
import type { KV } from '@nats-io/kv';
import { splitRegionId, type TableSchema } from '../../core/index.ts';
import type { Catalog } from './catalog.ts';

/** Inverse of the catalog's key encoding: runs of =XX are the UTF-8 bytes of the characters keys cannot hold. */
export function decodeKeyPart(part: string): string {
  return part.replace(/(?:=[0-9A-F]{2})+/g, (run) => Buffer.from(run.replace(/=/g, ''), 'hex').toString('utf8'));
}

/** Forgets a cached table or database whenever its key changes, so the next read loads it fresh. */
export async function watchCatalog(catalog: Catalog, kv: KV): Promise<{ stop(): Promise<void> }> {
  const w = await kv.watch({ key: '>', include: 'updates' });
  const loop = (async () => {
    for await (const e of w) {
      const parts = e.key.split('.');
      if (parts[0] === 'table' && parts.length === 3) catalog.invalidate(decodeKeyPart(parts[1]!), decodeKeyPart(parts[2]!));
      else if (parts[0] === 'db' && parts.length === 2) catalog.invalidate(decodeKeyPart(parts[1]!));
    }
  })().catch(() => undefined);
  return {
    async stop() {
      w.stop();
      await loop;
    },
  };
}

/** The current schema of the table a region belongs to (read fresh), or null when no table has that id any more. */
export async function tableOfRegion(catalog: Catalog, regionId: string): Promise<TableSchema | null> {
  const { tableId } = splitRegionId(regionId);
  for (const db of await catalog.listDatabases()) {
    for (const t of await catalog.listTables(db)) {
      catalog.invalidate(db, t);
      const s = await catalog.getTable(db, t);
      if (s && s.id === tableId) return s;
    }
  }
  return null;
}
