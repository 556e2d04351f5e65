// IP address functions: IPv4 as numbers and text, IPv6 as 16 bytes (hex) and text, CIDR masks and range tests.
import { ExecError, StatusCode } from '../../errors.ts';
import type { Fn } from './fn_util.ts';
import { boolOf, intOf, strN } from './fn_util.ts';

function bad(what: string, x: unknown): never {
  throw new ExecError(`Invalid ${what}: ${String(x)}`, undefined, StatusCode.InvalidArguments);
}

export function ipv4ToNum(s: string): number {
  const parts = s.trim().split('.');
  if (parts.length !== 4) bad('IPv4 address', s);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) bad('IPv4 address', s);
    n = n * 256 + Number(p);
  }
  return n;
}

function numToIpv4(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) bad('IPv4 number', n);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function prefixOf(x: unknown, max: number): number {
  const p = Number(x);
  if (!Number.isInteger(p) || p < 0 || p > max) bad(`prefix length (0..${max})`, x);
  return p;
}

function mask4(n: number, prefix: number): number {
  return prefix === 0 ? 0 : Number((BigInt(n) >> BigInt(32 - prefix)) << BigInt(32 - prefix));
}

function parseCidr(s: string, max: number): [string, number] {
  const [addr, p] = s.trim().split('/');
  if (addr === undefined || p === undefined) bad('CIDR', s);
  return [addr, prefixOf(p, max)];
}

/** 128-bit IPv6 value of its text form (with :: and an embedded IPv4 tail). */
export function ipv6ToBig(s: string): bigint {
  let text = s.trim();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToNum(v4[1]!);
    text = text.slice(0, -v4[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) bad('IPv6 address', s);
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) bad('IPv6 address', s);
  const groups = [...head, ...new Array<string>(fill).fill('0'), ...tail];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) bad('IPv6 address', s);
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

/** RFC 5952 text: lower-case, leading zeros dropped, the longest run of zero groups (2 or more) as ::. */
export function bigToIpv6(v: bigint): string {
  const g = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { best = i; bestLen = j - i; }
    i = j;
  }
  // IPv4-mapped addresses (::ffff:a.b.c.d) keep their IPv4 tail, as Rust's and inet_ntop's text does
  if (v >> 32n === 0xffffn) return `::ffff:${numToIpv4(Number(v & 0xffffffffn))}`;
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** A partial IPv4 address ('192.168') completed with zero octets, as GreptimeDB's ipv4_to_cidr reads it. */
function completeIpv4(s: string): number {
  const t = s.trim();
  if (t === '') bad('IPv4 address', 'empty');
  const dots = (t.match(/\./g) ?? []).length;
  return ipv4ToNum(dots < 3 ? t + '.0'.repeat(3 - dots) : t);
}

/**
 * The prefix ipv4_to_cidr guesses without one: /8, /16, /24 for an address of one, two, three parts, else the
 * trailing zero bits rounded to whole octets.
 */
function autoPrefix4(text: string, n: number): number {
  const dots = (text.trim().match(/\./g) ?? []).length;
  if (dots < 3) return 8 * (dots + 1);
  if (n === 0) return 0;
  let tz = 0;
  while (tz < 32 && ((n >>> tz) & 1) === 0) tz++;
  return 32 - Math.floor(tz / 8) * 8;
}

/** A partial IPv6 address ('2001:db8') completed with '::', as GreptimeDB's ipv6_to_cidr reads it. */
function completeIpv6(s: string): bigint {
  const t = s.trim();
  if (t === '') bad('IPv6 address', 'empty');
  try {
    return ipv6ToBig(t);
  } catch {
    return ipv6ToBig(t.endsWith(':') ? t + ':' : t.includes('::') ? t : t + '::');
  }
}

/**
 * The prefix ipv6_to_cidr guesses without one (GreptimeDB's documented rule): the common prefixes first (link-local
 * fe80:: is /16, the documentation range 2001:db8:: is /32), else through the last non-zero group (half of it when
 * its low byte is zero); ::/64 for ::.
 */
function autoPrefix6(v: bigint): number {
  const head = v >> 96n;
  if (head === 0xfe800000n) return 16;
  if (head === 0x20010db8n) return 32;
  for (let i = 7; i >= 0; i--) {
    const g = Number((v >> BigInt(112 - 16 * i)) & 0xffffn);
    if (g !== 0) {
      const p = (g & 0xff) === 0 ? i * 16 + 8 : (i + 1) * 16;
      return p < 16 ? 64 : p;
    }
  }
  return 64;
}

function mask6(v: bigint, prefix: number): bigint {
  const shift = BigInt(128 - prefix);
  return prefix === 0 ? 0n : (v >> shift) << shift;
}

export const IP: Record<string, Fn> = {
  ipv4_num_to_string: strN(([x]) => numToIpv4(Number(x))),
  ipv4_string_to_num: (args, n) => intOf(args, n, ([x]) => ipv4ToNum(String(x)), 'UInt32'),
  // MySQL's names for the two
  inet_ntoa: (a, n, s, c) => IP.ipv4_num_to_string!(a, n, s, c),
  inet_aton: (a, n, s, c) => IP.ipv4_string_to_num!(a, n, s, c),
  ipv4_to_cidr: strN(([ip, p]) => {
    const n = completeIpv4(String(ip));
    const prefix = p === undefined ? autoPrefix4(String(ip), n) : prefixOf(p, 32);
    return `${numToIpv4(mask4(n, prefix))}/${prefix}`;
  }),
  ipv4_in_range: (args, n) => boolOf(args, n, ([ip, cidr]) => {
    const [net, prefix] = parseCidr(String(cidr), 32);
    return mask4(ipv4ToNum(String(ip)), prefix) === mask4(ipv4ToNum(net), prefix);
  }),
  // IPv6 numbers travel as 32 hex digits (16 bytes), as a Binary prints
  ipv6_num_to_string: strN(([x]) => {
    const h = String(x).trim();
    if (!/^[0-9a-fA-F]{32}$/.test(h)) bad('IPv6 number (32 hex digits)', x);
    return bigToIpv6(BigInt('0x' + h));
  }),
  ipv6_string_to_num: strN(([x]) => ipv6ToBig(String(x)).toString(16).padStart(32, '0')),
  ipv6_to_cidr: strN(([ip, p]) => {
    const v = completeIpv6(String(ip));
    const prefix = p === undefined ? autoPrefix6(v) : prefixOf(p, 128);
    return `${bigToIpv6(mask6(v, prefix))}/${prefix}`;
  }),
  ipv6_in_range: (args, n) => boolOf(args, n, ([ip, cidr]) => {
    const [net, prefix] = parseCidr(String(cidr), 128);
    return mask6(ipv6ToBig(String(ip)), prefix) === mask6(ipv6ToBig(net), prefix);
  }),
};
