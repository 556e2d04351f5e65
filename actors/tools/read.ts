// `eddy read`: reads a table back over NATS (catalog in KV, region scan subject) and prints one JSON object per row.
import { connectNats as connect } from '../runtime/nats_connect.ts';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Buckets, physicalOf, regionIdOf, systemClock, toPhysicalScan } from '../../core/index.ts';
import { Catalog } from '../catalog/catalog.ts';
import { scanRegion } from '../runtime/scan_client.ts';
import { batchRowsToJson } from './rows.ts';
import type { ScanRequest } from '../../storage/index.ts';
import { flagHelp, parseFlags, type CommandSpec, type FlagSpec } from '../flags.ts';

/** The flags of a tool that reaches one table over NATS (`eddy read`, `eddy tail`). */
export function tableOverNatsFlags(tableHelp: string): FlagSpec[] {
  return [
    { name: 'table', key: 'table', kind: 'string', arg: 'NAME', required: true, help: tableHelp, env: false },
    { name: 'db', key: 'db', kind: 'string', arg: 'DB', nonEmpty: true, help: 'database', env: false },
    { name: 'nats', key: 'nats', kind: 'url', arg: 'URL', help: 'NATS server of the node' },
  ];
}

/** Every flag of `eddy read`: the parser and the --help text are both made from this table. */
export const READ_COMMAND: CommandSpec = {
  name: 'read',
  summary: 'Reads a table back over NATS (catalog and region scans, no HTTP) and prints one JSON object per row.',
  flags: [
    ...tableOverNatsFlags('table to read'),
    { name: 'start', key: 'start', kind: 'int64', arg: 'NS', help: 'first timestamp (ns, inclusive)', env: false },
    { name: 'end', key: 'end', kind: 'int64', arg: 'NS', help: 'last timestamp (ns, exclusive)', env: false },
    { name: 'limit', key: 'limit', kind: 'int', arg: 'N', min: 0, help: 'rows per region at most', env: false },
  ],
};

const READ_DEFAULTS = { table: '', db: 'public', nats: 'nats://127.0.0.1:4222', start: undefined as bigint | undefined, end: undefined as bigint | undefined, limit: undefined as number | undefined };

export function readHelp(): string {
  return flagHelp(READ_COMMAND, READ_DEFAULTS);
}

export async function readTable(argv: string[]): Promise<void> {
  const f = parseFlags(READ_COMMAND, argv, process.env, READ_DEFAULTS);
  const nc = await connect({ servers: f.nats });
  try {
    const kv = await new Kvm(jetstream(nc)).open(Buckets.catalog);
    const catalog = new Catalog(kv, systemClock);
    const table = await catalog.requireTable(f.db, f.table);
    const { start, end, limit } = f;
    const base: ScanRequest = { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}), ...(limit !== undefined ? { limit } : {}) };
    // a logical metric table's rows are those of its physical table's regions with its __table_id
    const phyName = physicalOf(table);
    const schema = phyName !== undefined ? await catalog.requireTable(f.db, phyName) : table;
    const req = phyName !== undefined ? toPhysicalScan(table, schema, base) : base;
    for (let n = 0; n < schema.regions; n++) {
      const batches = await scanRegion(nc, regionIdOf(schema.id, n), req);
      for (const b of batches) for (const line of batchRowsToJson(b)) process.stdout.write(line + '\n');
    }
  } finally {
    await nc.close();
  }
}
