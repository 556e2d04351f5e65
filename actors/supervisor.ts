// The datanode supervisor: spawns, finds and stops the Region actors hosted by this node.
import { join } from 'node:path';
import { EddyError, StatusCode, regionIdOf, type TableSchema } from '../core/index.ts';
import { RegionHost, type RegionHostDeps } from './region_host.ts';

export type RegionHostFactory = Omit<RegionHostDeps, 'dir' | 'schema' | 'regionId'> & { dataDir: string };

export class Supervisor {
  private readonly regions = new Map<string, RegionHost>();
  private readonly opening = new Map<string, Promise<RegionHost>>();

  /** `refuse`: why this node hosts no regions (a cluster node without the datanode role); region() then fails with it. */
  constructor(private readonly base: RegionHostFactory, private readonly opts: { refuse?: string } = {}) {}

  regionDir(regionId: string): string {
    return join(this.base.dataDir, 'regions', regionId);
  }

  /** The running region for partition `n` of a table, opened (with WAL replay) on first use. */
  async region(schema: TableSchema, n = 0): Promise<RegionHost> {
    const id = regionIdOf(schema.id, n);
    if (this.opts.refuse) {
      throw new EddyError(StatusCode.StorageUnavailable, `region ${id} of ${schema.db}.${schema.name} is not hosted here: ${this.opts.refuse}; send writes and queries to a datanode`);
    }
    const hit = this.regions.get(id);
    if (hit) {
      hit.ensureSchema(schema);
      return hit;
    }
    let p = this.opening.get(id);
    if (!p) {
      p = (async () => {
        const host = new RegionHost({ ...this.base, dir: this.regionDir(id), schema, regionId: id });
        await host.start();
        this.regions.set(id, host);
        return host;
      })();
      this.opening.set(id, p);
      p.finally(() => this.opening.delete(id)).catch(() => undefined);
    }
    const host = await p;
    host.ensureSchema(schema);
    return host;
  }

  local(regionId: string): RegionHost | undefined {
    return this.regions.get(regionId);
  }

  all(): RegionHost[] {
    return [...this.regions.values()];
  }

  /** Stops and deletes every region of a dropped table. */
  async dropTable(schema: TableSchema): Promise<void> {
    for (let n = 0; n < schema.regions; n++) {
      const id = regionIdOf(schema.id, n);
      const host = this.regions.get(id) ?? (await this.region(schema, n));
      this.regions.delete(id);
      await host.destroy();
    }
  }

  async closeAll(flush: boolean): Promise<void> {
    const hosts = [...this.regions.values()];
    this.regions.clear();
    await Promise.all(hosts.map((h) => h.close({ flush })));
  }
}
