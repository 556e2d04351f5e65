// Free TCP ports for local servers (a local cluster, tests), taken below the OS's ephemeral port range.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { StartupError } from '../../core/errors.ts';

/** Lowest port handed out. */
const LOW = 10_000;

/**
 * Where the ephemeral range starts (Linux: /proc; else the IANA start). A port in that range probed free can be taken by
 * any outgoing connection before the server that was meant for it binds it (a node then exits at start-up with
 * EADDRINUSE); one below it is taken only by another server.
 */
function ephemeralStart(): number {
  try {
    const lo = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(lo) && lo > LOW + 1000) return lo;
  } catch { /* not Linux */ }
  return 49_152;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/**
 * Ports this process handed out: a port probed free stays free until its server binds it, so two calls before that
 * (a node's HTTP, NATS and PostgreSQL ports, picked one after the other) could get the same one. Never handed twice.
 */
const handedOut = new Set<number>();

/** `n` consecutive ports nothing listens on now, below the ephemeral range (never 4222 or 4000). */
export async function freePortRun(n = 1): Promise<number> {
  const hi = ephemeralStart();
  for (let attempt = 0; attempt < 500; attempt++) {
    const p = LOW + Math.floor(Math.random() * (hi - LOW - n));
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = !handedOut.has(p + i) && await bindable(p + i);
    if (ok) {
      for (let i = 0; i < n; i++) handedOut.add(p + i);
      return p;
    }
  }
  throw new StartupError(`no ${n} consecutive free ports between ${LOW} and ${hi}`);
}

/** A port nothing listens on now, below the ephemeral range. */
export function freePort(): Promise<number> {
  return freePortRun(1);
}
