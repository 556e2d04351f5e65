// The `eddy` command: start a node, run a local cluster, or read a table back over NATS.
import { parseConfig } from './config.ts';
import { EddyNode } from './node.ts';
import { readTable } from './tools/read.ts';
import { clusterCommand } from './tools/cluster.ts';

const USAGE = `usage:
  eddy start [--data DIR] [--http HOST:PORT] [--nats URL | --nats-port N] [--role all|meta,datanode,frontend,flownode] [--node-id ID]
  eddy cluster [--nodes 3] [--data DIR] [--http-port 4000]   (local NATS cluster + nodes, in the foreground)
  eddy read --table NAME [--db DB] [--nats URL] [--start NS] [--end NS] [--limit N]

Every start flag can also be set as an environment variable EDDY_<NAME> (EDDY_DATA, EDDY_HTTP, EDDY_NATS, EDDY_NATS_PORT).`;

async function start(argv: string[]): Promise<void> {
  const cfg = parseConfig(argv);
  const log = (m: string) => {
    if (!cfg.quiet) process.stderr.write(`${new Date().toISOString()} eddy: ${m}\n`);
  };
  const node = new EddyNode(cfg, undefined, log);
  let stopping: Promise<void> | null = null;
  const shutdown = (sig: string) => {
    if (stopping) return;
    log(`${sig}: stopping`);
    stopping = node.stop().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (e) => {
        log(`stop failed: ${(e as Error).stack}`);
        process.exit(1);
      },
    );
  };
  node.onFatal = () => {
    if (stopping) return;
    stopping = node.stop().finally(() => process.exit(1));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    await node.start();
  } catch (e) {
    log(`failed to start: ${(e as Error).message}`);
    await node.stop().catch(() => undefined);
    process.exit(1);
  }
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'start':
      return start(rest);
    case 'read':
      return readTable(rest);
    case 'cluster':
      return clusterCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return;
    default:
      process.stderr.write(`unknown command '${cmd}'\n${USAGE}\n`);
      process.exit(2);
  }
}
