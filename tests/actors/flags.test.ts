// Command-line flags: every mistake names the flag as typed; --help is generated from the same table as the parser.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULTS, parseConfig, startHelp, START_COMMAND } from '../../actors/config.ts';
import { clusterHelp, CLUSTER_COMMAND } from '../../actors/tools/cluster.ts';
import { readHelp, READ_COMMAND } from '../../actors/tools/read.ts';
import { envName } from '../../actors/flags.ts';
import { UsageError } from '../../core/index.ts';

function usageError(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfig(argv, env);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`parseConfig(${argv.join(' ')}) did not fail`);
}

describe('eddy start flags', () => {
  it('a flag with its value missing is an error naming it, not a silent default', () => {
    expect(usageError(['--data'])).toBe('--data needs a value (DIR)');
    expect(usageError(['--data', '--http', '127.0.0.1:1'])).toBe('--data needs a value (DIR)');
    expect(usageError(['--nats-port'])).toMatch(/^--nats-port needs a value/);
  });

  it('a bad value names the flag as typed (not the option name)', () => {
    expect(usageError(['--nats-port', 'abc'])).toBe("--nats-port: 'abc' is not a port number");
    expect(usageError(['--nats-port=70000'])).toBe("--nats-port: '70000' must be 0 to 65535");
    expect(usageError(['--http', 'nonsense'])).toMatch(/^--http: 'nonsense' is not HOST:PORT/);
    expect(usageError(['--flush-bytes', '1e9x'])).toMatch(/^--flush-bytes: '1e9x' is not a whole number/);
    expect(usageError(['--log-format', 'xml'])).toBe("--log-format: 'xml' is not one of text, json");
    expect(usageError(['--quiet=maybe'])).toBe("--quiet: 'maybe' is not true or false");
    expect(usageError(['--nats', 'not a url'])).toMatch(/^--nats: 'not a url' is not a NATS URL/);
    expect(usageError(['--data', ''])).toBe("--data: '' must not be empty");
  });

  it('--postgres takes HOST:PORT or off; its TLS files go together', () => {
    expect(parseConfig([], {}).postgres).toBe('127.0.0.1:4003');
    expect(parseConfig(['--postgres', 'off'], {}).postgres).toBe('off');
    expect(parseConfig([], { EDDY_POSTGRES: '0.0.0.0:5432' }).postgres).toBe('0.0.0.0:5432');
    expect(usageError(['--postgres', 'nope'])).toBe("--postgres: 'nope' is not HOST:PORT (e.g. 127.0.0.1:4000), a port or off");
    expect(usageError(['--http', 'off'])).toMatch(/^--http: 'off' is not HOST:PORT \(e\.g\. 127\.0\.0\.1:4000\) or a port$/);
    expect(usageError(['--postgres-tls-cert', '/tmp/c.pem'])).toBe('--postgres-tls-cert needs --postgres-tls-key');
    expect(usageError(['--postgres-tls-key', '/tmp/k.pem'])).toBe('--postgres-tls-key needs --postgres-tls-cert');
  });

  it('a bad environment value names the variable', () => {
    expect(usageError([], { EDDY_NATS_PORT: 'abc' })).toBe("EDDY_NATS_PORT: 'abc' is not a port number");
  });

  it('an unknown flag or a stray argument is an error', () => {
    expect(usageError(['--bogus', '1'])).toMatch(/^unknown flag --bogus for eddy start/);
    expect(usageError(['stray'])).toMatch(/^unexpected argument 'stray'/);
  });

  it('takes values, booleans and environment variables', () => {
    const c = parseConfig(['--http=8080', '--quiet', '--publish-changes', 'false', '--log-format', 'json', '--nats', 'nats://a:4222,b:4223'], { EDDY_CACHE_MB: '64' });
    expect(c).toMatchObject({ http: '8080', quiet: true, publishChanges: false, logFormat: 'json', nats: 'nats://a:4222,b:4223', cacheMb: 64 });
    expect(parseConfig(['--exit-with-parent=false'], {}).exitWithParent).toBe(false);
  });
});

describe('any value for any flag', () => {
  it('either parses or is a UsageError that starts with the flag as typed (never a Node internals message)', () => {
    const flag = fc.constantFrom(...START_COMMAND.flags);
    const value = fc.oneof(fc.string(), fc.constantFrom('', '0', '-1', '65536', 'true', 'nonsense', '1e3', ' 8', '127.0.0.1:4000', 'nats://h:1', 'json', 'nats', 'all'));
    fc.assert(fc.property(flag, value, fc.boolean(), (f, v, withEq) => {
      const argv = withEq ? [`--${f.name}=${v}`] : [`--${f.name}`, v];
      try {
        parseConfig(argv, {});
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        const msg = (e as Error).message;
        expect(msg.startsWith(`--${f.name}`) || msg.startsWith('unknown flag') || msg.startsWith('unexpected argument'), msg).toBe(true);
        // The option's internal name never leaks into the message.
        if (f.key !== f.name) expect(msg).not.toContain(f.key);
      }
    }), { numRuns: 500 });
  });
});

describe('--help of every command', () => {
  const cases = [
    { help: startHelp(), cmd: START_COMMAND },
    { help: clusterHelp(), cmd: CLUSTER_COMMAND },
    { help: readHelp(), cmd: READ_COMMAND },
  ];
  it('lists every flag of the table, with its env variable where it has one', () => {
    for (const { help, cmd } of cases) {
      expect(help).toMatch(new RegExp(`^usage: eddy ${cmd.name} `));
      for (const f of cmd.flags) {
        expect(help).toContain(`--${f.name}`);
        if (f.env !== false) expect(help).toContain(envName(f));
      }
    }
  });

  it('eddy start --help names the flags the old usage left out, with their defaults', () => {
    const h = startHelp();
    for (const f of ['--flush-bytes', '--storage', '--replicas', '--cache-mb', '--log-format', '--max-write-bytes']) expect(h).toContain(f);
    expect(h).toMatch(/--cache-mb MIB .*default: 512; env EDDY_CACHE_MB/);
    expect(h).toMatch(new RegExp(`--flush-bytes BYTES .*default: ${DEFAULTS.flushBytes}`));
  });

  it('every option of NodeConfig has a flag (a new option cannot be forgotten in the table)', () => {
    const keys = new Set(START_COMMAND.flags.map((f) => f.key));
    for (const k of Object.keys(DEFAULTS)) expect(keys.has(k), k).toBe(true);
  });
});
