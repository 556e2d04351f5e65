// Command-line flags from one table per command: parsing (flags, then EDDY_* env, then defaults) and the --help text.
import { UsageError } from '../core/errors.ts';

export type FlagKind = 'string' | 'int' | 'int64' | 'bool' | 'port' | 'hostport' | 'url' | 'choice';

export interface FlagSpec {
  /** As typed, without the dashes: `nats-port`. */
  name: string;
  /** The option it sets. */
  key: string;
  kind: FlagKind;
  /** The value's placeholder in the help: DIR, HOST:PORT, N. */
  arg?: string;
  help: string;
  /** Read EDDY_<NAME> too (the default); false for flags that make no sense in the environment. */
  env?: boolean;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** Must be given (no default). */
  required?: boolean;
  /** An empty value is a mistake (`--data ''`). */
  nonEmpty?: boolean;
  /** A hostport flag that also takes `off` (the listener is not started). */
  off?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  flags: readonly FlagSpec[];
}

export const envName = (f: FlagSpec): string => `EDDY_${f.name.toUpperCase().replace(/-/g, '_')}`;

const TRUE = new Set(['', 'true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** `--help` or `-h` anywhere asks for the command's help instead of running it. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--help' || a === '-h');
}

/** Checks and converts one value; `source` names the flag as the user wrote it (or the env variable). */
function coerce(f: FlagSpec, raw: string, source: string): unknown {
  const bad = (why: string) => new UsageError(`${source}: '${raw}' ${why}`);
  switch (f.kind) {
    case 'bool':
      if (TRUE.has(raw.toLowerCase())) return true;
      if (FALSE.has(raw.toLowerCase())) return false;
      throw bad('is not true or false');
    case 'int':
    case 'port': {
      if (!/^-?\d+$/.test(raw.trim())) throw bad(f.kind === 'port' ? 'is not a port number' : 'is not a whole number');
      const n = Number(raw);
      const min = f.kind === 'port' ? 0 : f.min;
      const max = f.kind === 'port' ? 65535 : f.max;
      if (min !== undefined && n < min) throw bad(max !== undefined ? `must be ${min} to ${max}` : `must be ${min} or more`);
      if (max !== undefined && n > max) throw bad(min !== undefined ? `must be ${min} to ${max}` : `must be ${max} or less`);
      return n;
    }
    case 'int64': {
      if (!/^-?\d{1,19}$/.test(raw.trim())) throw bad('is not a whole number');
      const n = BigInt(raw.trim());
      if (n > 0x7fffffffffffffffn || n < -0x8000000000000000n) throw bad('is out of the int64 range');
      return n;
    }
    case 'hostport': {
      if (f.off && raw.trim().toLowerCase() === 'off') return 'off';
      const m = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/.exec(raw.trim());
      if (!m || Number(m[2]) > 65535) throw bad(`is not HOST:PORT (e.g. 127.0.0.1:4000)${f.off ? ', a port or off' : ' or a port'}`);
      return raw.trim();
    }
    case 'url': {
      // nats.js takes a comma list of nats://host:port (or tls://, ws://) or bare host:port.
      const ok = raw.split(',').every((u) => /^((nats|tls|ws|wss):\/\/)?([^\s/@,]+@)?(\[[0-9a-fA-F:.]+\]|[^\s/:,@[\]]+)(:\d{1,5})?\/?$/.test(u.trim()));
      if (!ok || raw.trim() === '') throw bad('is not a NATS URL (e.g. nats://127.0.0.1:4222)');
      return raw.trim();
    }
    case 'choice':
      if (!f.choices!.includes(raw)) throw bad(`is not one of ${f.choices!.join(', ')}`);
      return raw;
    case 'string':
      if ((f.required || f.nonEmpty) && raw === '') throw bad('must not be empty');
      return raw;
  }
}

/**
 * Parses `--name value`, `--name=value` and bare boolean flags over `defaults`, reading EDDY_<NAME> first.
 * A missing value, an unknown flag or a bad value is a UsageError naming the flag as typed.
 */
export function parseFlags<T extends object>(cmd: CommandSpec, argv: readonly string[], env: NodeJS.ProcessEnv, defaults: T): T {
  const out = { ...defaults } as Record<string, unknown>;
  const byName = new Map(cmd.flags.map((f) => [f.name, f]));
  for (const f of cmd.flags) {
    if (f.env === false) continue;
    const v = env[envName(f)];
    if (v !== undefined) out[f.key] = coerce(f, v, envName(f));
  }
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--') || a === '--') throw new UsageError(`unexpected argument '${a}' (eddy ${cmd.name} takes flags only; see eddy ${cmd.name} --help)`);
    const eq = a.indexOf('=');
    const typed = eq > 0 ? a.slice(0, eq) : a;
    const f = byName.get(typed.slice(2));
    if (!f) throw new UsageError(`unknown flag ${typed} for eddy ${cmd.name} (see eddy ${cmd.name} --help)`);
    let raw: string;
    const next = argv[i + 1];
    if (eq > 0) raw = a.slice(eq + 1);
    else if (f.kind === 'bool') {
      // A bare boolean flag is true; `--quiet false` takes the next word only when it is a boolean word.
      if (next !== undefined && (TRUE.has(next.toLowerCase()) || FALSE.has(next.toLowerCase())) && next !== '') raw = argv[++i]!;
      else raw = 'true';
    } else {
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`${typed} needs a value${f.arg ? ` (${f.arg})` : ''}`);
      }
      raw = argv[++i]!;
    }
    if (seen.has(f.name) && f.kind !== 'bool') throw new UsageError(`${typed} is given twice`);
    seen.add(f.name);
    out[f.key] = coerce(f, raw, typed);
  }
  for (const f of cmd.flags) {
    if (f.required && (out[f.key] === undefined || out[f.key] === '')) throw new UsageError(`eddy ${cmd.name} needs --${f.name}${f.arg ? ` ${f.arg}` : ''}`);
  }
  return out as T;
}

/** The help of one command, generated from its flag table so it never drifts from what is parsed. */
export function flagHelp(cmd: CommandSpec, defaults: object): string {
  const d = defaults as Record<string, unknown>;
  const rows = cmd.flags.map((f) => {
    const def = d[f.key];
    // A boolean that defaults to true is turned off with --name=false.
    const left = `  --${f.name}${f.kind === 'bool' ? (def === true ? '[=false]' : '') : ` ${f.arg ?? 'VALUE'}`}`;
    const parts = [f.help];
    if (f.kind === 'choice') parts.push(`one of: ${f.choices!.join(', ')}`);
    if (f.required) parts.push('required');
    else if (def !== undefined && def !== '') parts.push(`default: ${String(def)}`);
    if (f.env !== false) parts.push(`env ${envName(f)}`);
    return [left, parts.join('; ')] as const;
  });
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  return [
    `usage: eddy ${cmd.name} [flags]`,
    '',
    cmd.summary,
    '',
    'flags:',
    ...rows.map(([l, r]) => l.padEnd(width) + r),
    `  --help${' '.repeat(Math.max(1, width - 8))}this help`,
  ].join('\n');
}
