// The `eddy` command: start a node, run a local cluster, read a table back or follow a log table over NATS; each
// command has --help.
import { UsageError } from '../core/errors.ts';
import { parseConfig, startHelp, START_COMMAND } from './config.ts';
import { wantsHelp } from './flags.ts';
import { EddyNode } from './node.ts';
import { Logger } from './runtime/logger.ts';
import { watchParent } from './runtime/parent_watch.ts';
import { readTable, readHelp, READ_COMMAND } from './tools/read.ts';
import { clusterCommand, clusterHelp, CLUSTER_COMMAND } from './tools/cluster.ts';
import { tailTable, tailHelp, TAIL_COMMAND } from './tools/tail.ts';

interface Command {
  summary: string;
  help: () => string;
  run: (argv: string[]) => Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  start: { summary: START_COMMAND.summary, help: startHelp, run: start },
  cluster: { summary: CLUSTER_COMMAND.summary, help: clusterHelp, run: clusterCommand },
  read: { summary: READ_COMMAND.summary, help: readHelp, run: readTable },
  tail: { summary: TAIL_COMMAND.summary, help: tailHelp, run: tailTable },
};

function usage(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  return [
    'usage: eddy <command> [flags]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(w)}${c.summary}`),
    '',
    'Run `eddy <command> --help` for the flags of a command (with their defaults and EDDY_* environment variables).',
  ].join('\n');
}

/**
 * A stop that outlives every bounded step of EddyNode.stop() means something is wrong: exit rather than hang. Past
 * --stop-timeout the steps after the regions' close take at most ~42 s (leaving the cluster, the connection, the
 * nats-server), and a few seconds in practice.
 */
const STOP_DEADLINE_AFTER_BUDGET_MS = 60_000;

async function start(argv: string[]): Promise<void> {
  const cfg = parseConfig(argv);
  const logger = new Logger({ format: cfg.logFormat, quiet: cfg.quiet });
  const node = new EddyNode(cfg, undefined, logger);
  let stopping: Promise<void> | null = null;
  const shutdown = (why: string, code = 0) => {
    // A second signal changes nothing: a terminal's Ctrl-C reaches both npx and the node, and npx forwards it again.
    if (stopping) return;
    logger.info(`${why}: stopping`);
    const stopDeadlineMs = cfg.stopTimeout + STOP_DEADLINE_AFTER_BUDGET_MS;
    const deadline = setTimeout(() => {
      logger.warn(`stop did not finish within ${stopDeadlineMs} ms; exiting`);
      process.exit(1);
    }, stopDeadlineMs);
    deadline.unref();
    stopping = node.stop().then(
      () => {
        logger.flushSuppressed();
        logger.info('stopped');
        process.exit(code);
      },
      (e) => {
        logger.warn(`stop failed: ${(e as Error).stack}`);
        process.exit(1);
      },
    );
  };
  node.onFatal = () => shutdown('fatal', 1);
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  // npx (or a shell, or any launcher) killed without passing the signal on: the node must not live on as an orphan.
  if (cfg.exitWithParent) watchParent(() => shutdown('parent process exited'));
  try {
    await node.start();
  } catch (e) {
    if (stopping) return;
    // the stack names the call that failed (a start-up failure is rare, and its cause may be deep in the cluster join)
    logger.warn(`failed to start: ${(e as Error).message}${(e as Error).stack ? ` | ${(e as Error).stack!.split('\n').slice(1, 6).map((l) => l.trim()).join(' | ')}` : ''}`);
    stopping = node.stop().catch(() => undefined);
    await stopping;
    process.exit(1);
  }
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const topic = cmd === 'help' ? rest[0] : undefined;
    process.stdout.write((topic && COMMANDS[topic] ? COMMANDS[topic]!.help() : usage()) + '\n');
    return;
  }
  const c = COMMANDS[cmd];
  if (!c) throw new UsageError(`unknown command '${cmd}'\n${usage()}`);
  if (wantsHelp(rest)) {
    process.stdout.write(c.help() + '\n');
    return;
  }
  return c.run(rest);
}
