// The real log daemons the shipper tests drive: rsyslogd and syslog-ng as foreground processes with their own config
// and state in a temp dir (no system daemon, nothing outside the dir), stopped by their pid.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../harness/index.ts';

export interface Daemon {
  name: string;
  /** Command line for a config file in dir. */
  command(dir: string, conf: string): { file: string; args: string[]; env?: Record<string, string> };
}

export const rsyslogd: Daemon = {
  name: 'rsyslogd',
  command: (dir, conf) => {
    if (!existsSync('/usr/sbin/rsyslogd')) throw new Error('/usr/sbin/rsyslogd is missing: run bash deploy/setup.sh --test (installs rsyslog, rsyslog-elasticsearch)');
    return { file: '/usr/sbin/rsyslogd', args: ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')] };
  },
};

export const SYSLOG_NG_DIR = '/opt/eddy-test/syslog-ng';
export const syslogNg: Daemon = {
  name: 'syslog-ng',
  command: (dir, conf) => {
    const bin = join(SYSLOG_NG_DIR, 'usr/sbin/syslog-ng');
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run bash deploy/setup.sh --test (unpacks syslog-ng there)`);
    return {
      file: bin,
      args: ['-F', '-f', conf, '-R', join(dir, 'syslog-ng.persist'), '-c', join(dir, 'syslog-ng.ctl'), '-p', join(dir, 'syslog-ng.pid'),
        `--module-path=${join(SYSLOG_NG_DIR, 'usr/lib/syslog-ng/3.38')}`],
      env: { LD_LIBRARY_PATH: join(SYSLOG_NG_DIR, 'usr/lib/syslog-ng') },
    };
  },
};

/** Writes the files and the config into a temp dir and starts the daemon; `stop()` ends it (SIGTERM) and waits. */
export async function runDaemon(d: Daemon, opts: { files: Record<string, string>; config: (dir: string) => string }): Promise<{ stop: () => Promise<void>; output: string[] }> {
  const dir = tempDir(`eddy-${d.name}-`);
  for (const [name, text] of Object.entries(opts.files)) writeFileSync(join(dir.path, name), text);
  const conf = join(dir.path, `${d.name}.conf`);
  writeFileSync(conf, opts.config(dir.path));
  const cmd = d.command(dir.path, conf);
  const child = spawn(cmd.file, cmd.args, { cwd: dir.path, env: { ...process.env, ...cmd.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
  child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const early = await Promise.race([exited.then(() => true), new Promise<false>((r) => child.once('spawn', () => r(false)))]);
  if (early) throw new Error(`${d.name} exited at once:\n${output.join('')}`);
  return {
    output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      dir.cleanup();
    },
  };
}
