// `eddy read`: reads a table back over NATS (catalog in KV, region scan subject) and prints one JSON object per row.
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Buckets, InvalidConfigError, regionIdOf, systemClock } from '../../core/index.ts';
import { Catalog } from '../catalog/catalog.ts';
import { scanRegion } from '../runtime/scan_client.ts';
import { batchRowsToJson } from './rows.ts';

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function readTable(argv: string[]): Promise<void> {
  const table = flag(argv, 'table');
  if (!table) throw new InvalidConfigError('eddy read needs --table NAME');
  const db = flag(argv, 'db') ?? 'public';
  const nc = await connect({ servers: flag(argv, 'nats') ?? process.env.EDDY_NATS ?? 'nats://127.0.0.1:4222' });
  try {
    const kv = await new Kvm(jetstream(nc)).open(Buckets.catalog);
    const schema = await new Catalog(kv, systemClock).requireTable(db, table);
    const start = flag(argv, 'start');
    const end = flag(argv, 'end');
    const limit = flag(argv, 'limit');
    for (let n = 0; n < schema.regions; n++) {
      const batches = await scanRegion(nc, regionIdOf(schema.id, n), {
        ...(start ? { start: BigInt(start) } : {}),
        ...(end ? { end: BigInt(end) } : {}),
        ...(limit ? { limit: Number(limit) } : {}),
      });
      for (const b of batches) for (const line of batchRowsToJson(b)) process.stdout.write(line + '\n');
    }
  } finally {
    await nc.close();
  }
}
