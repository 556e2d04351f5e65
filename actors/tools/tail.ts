// `eddy tail`: follows a log table over NATS. Announces interest on eddy.tail_interest.<db>.<table> (renewed well within
// the TTL the node answers), then prints each committed row of eddy.tail.<db>.<table> as one JSON line.
import { connectNats as connect } from '../runtime/nats_connect.ts';
import { Subjects } from '../../core/index.ts';
import { flagHelp, parseFlags, type CommandSpec } from '../flags.ts';
import { tableOverNatsFlags } from './read.ts';

export const TAIL_COMMAND: CommandSpec = {
  name: 'tail',
  summary: 'Follows a log table over NATS (eddy.tail), one JSON object per committed row, until interrupted.',
  flags: [
    ...tableOverNatsFlags('log table to follow'),
    { name: 'lines', key: 'lines', kind: 'int', arg: 'N', min: 0, help: 'exit after N rows (0: never)', env: false },
  ],
};

const TAIL_DEFAULTS = { table: '', db: 'public', nats: 'nats://127.0.0.1:4222', lines: 0 };

export function tailHelp(): string {
  return flagHelp(TAIL_COMMAND, TAIL_DEFAULTS);
}

export async function tailTable(argv: string[]): Promise<void> {
  const f = parseFlags(TAIL_COMMAND, argv, process.env, TAIL_DEFAULTS);
  const nc = await connect({ servers: f.nats });
  let renew: NodeJS.Timeout | undefined;
  try {
    const sub = nc.subscribe(Subjects.tail(f.db, f.table));
    const announce = async () => JSON.parse((await nc.request(Subjects.tailInterest(f.db, f.table), undefined, { timeout: 10_000 })).string()) as { ttl_ms: number };
    const { ttl_ms } = await announce();
    renew = setInterval(() => void announce().catch((e) => process.stderr.write(`eddy tail: renewing interest failed: ${(e as Error).message}\n`)), Math.max(1000, Math.floor(ttl_ms / 3)));
    const stop = () => sub.unsubscribe();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.stderr.write(`eddy tail: following ${f.db}.${f.table}\n`);
    let rows = 0;
    for await (const m of sub) {
      const text = m.string();
      let at = 0;
      while (at < text.length) {
        const nl = text.indexOf('\n', at);
        const end = nl < 0 ? text.length : nl;
        if (end > at) { process.stdout.write(text.slice(at, end) + '\n'); rows++; }
        at = end + 1;
        if (f.lines > 0 && rows >= f.lines) break;
      }
      if (f.lines > 0 && rows >= f.lines) break;
    }
  } finally {
    clearInterval(renew);
    await nc.close();
  }
}
