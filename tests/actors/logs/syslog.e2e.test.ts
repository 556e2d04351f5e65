// Syslog end to end with the real senders: `logger` over UDP and TCP (RFC 5424, RFC 3164, octet counting), rsyslog's
// omfwd over TCP (octet-counted RFC 5424 and LF-framed RFC 3164), syslog-ng's network(); invalid frames counted, not fatal.
// rsyslog and syslog-ng run as foreground processes with their own config in a temp dir (no system daemon).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { until } from '../../harness/index.ts';
import { nodeForFile, sqlRows, type ShipperNode } from './shipper_helpers.ts';
import { runDaemon, rsyslogd, syslogNg } from './daemons.ts';

describe('syslog receiver', () => {
  const ctx = nodeForFile({ syslog: '127.0.0.1:0' });
  let node: ShipperNode;
  let port: number;
  const received = (n: number, what: string) => until(async () => node.syslog!.counters.messages >= n, what, 20_000);
  /** Waits for `n` more messages, writes what is pending, and returns the table's rows whose message has `marker`. */
  async function settle(before: number, n: number, marker: string): Promise<unknown[][]> {
    await received(before + n, `${n} syslog messages with ${marker}`);
    await node.syslog!.drain();
    return sqlRows(node, `SELECT message, host, app, procid, msgid, facility, severity, json_to_string(structured_data) FROM syslog WHERE message LIKE '%${marker}%' ORDER BY message`);
  }

  beforeAll(() => {
    node = ctx.get();
    port = node.syslog!.address!.port;
  });

  it('logger over UDP (RFC 5424) and TCP (RFC 3164, and RFC 5424 octet-counted with structured data)', async () => {
    const logger = (args: string[], lines: string[]) => {
      const r = spawnSync('logger', ['--server', '127.0.0.1', '--port', String(port), ...args], { input: lines.join('\n') + '\n' });
      expect(r.status, r.stderr.toString()).toBe(0);
    };
    const base = node.syslog!.counters.messages;
    logger(['--udp', '--rfc5424', '-t', 'udpapp', '-p', 'local3.warning'], ['lg-udp a', 'lg-udp b', 'lg-udp c']);
    logger(['--tcp', '--rfc3164', '-t', 'tcpapp', '-p', 'auth.err'], ['lg-tcp3164 a', 'lg-tcp3164 b']);
    logger(['--tcp', '--octet-count', '--rfc5424', '-t', 'occapp', '--id=4242', '--msgid', 'M1', '--sd-id', 'zoo@32473', '--sd-param', 'tiger="hungry"', '-p', 'user.info'], ['lg-oc a', 'lg-oc b']);
    const rows = await settle(base, 7, 'lg-');
    expect(rows.map((r) => r[0])).toEqual(['lg-oc a', 'lg-oc b', 'lg-tcp3164 a', 'lg-tcp3164 b', 'lg-udp a', 'lg-udp b', 'lg-udp c']);
    const byMsg = new Map(rows.map((r) => [r[0], r]));
    expect(byMsg.get('lg-udp a')!.slice(2, 7)).toEqual(['udpapp', null, null, 'local3', 'warning']);
    expect(byMsg.get('lg-tcp3164 a')!.slice(2, 7)).toEqual(['tcpapp', null, null, 'auth', 'err']);
    expect(byMsg.get('lg-oc a')!.slice(2, 7)).toEqual(['occapp', '4242', 'M1', 'user', 'info']);
    expect(JSON.parse(byMsg.get('lg-oc a')![7] as string)['zoo@32473']).toEqual({ tiger: 'hungry' });
    expect(rows.every((r) => typeof r[1] === 'string' && r[1] !== '')).toBe(true);
  });

  it('counts and reports invalid frames without dropping the connection or the valid frames around them', async () => {
    const before = { ...node.syslog!.counters };
    await new Promise<void>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end('<13>1 - h badtest - - - inv-ok one\nnot syslog at all\n99999999999 <13>x\n<13>1 - h badtest - - [broken inv-ok two\n6 abcdef<13>1 - h badtest - - - inv-ok three\n');
      });
      s.on('close', () => resolve());
      s.on('error', reject);
    });
    const rows = await settle(before.messages, 2, 'inv-ok');
    expect(rows.map((r) => r[0])).toEqual(['inv-ok one', 'inv-ok three']);
    expect(node.syslog!.counters.invalidFrames - before.invalidFrames).toBe(4);
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`eddy_syslog_invalid_frames_total ${node.syslog!.counters.invalidFrames}`));
  });

  it("rsyslog's omfwd over TCP: octet-counted RFC 5424 and LF-framed RFC 3164, every line once", async () => {
    const lines5424 = Array.from({ length: 20 }, (_, i) => `rs5424 line ${String(i).padStart(2, '0')}`);
    const lines3164 = Array.from({ length: 10 }, (_, i) => `rs3164 line ${String(i).padStart(2, '0')}`);
    const base = node.syslog!.counters.messages;
    const d = await runDaemon(rsyslogd, {
      files: { 'a.log': lines5424.join('\n') + '\n', 'b.log': lines3164.join('\n') + '\n' },
      config: (dir) => `
global(workDirectory="${dir}")
module(load="imfile")
input(type="imfile" File="${dir}/a.log" Tag="rsa" ruleset="octet" Facility="local1" Severity="notice")
input(type="imfile" File="${dir}/b.log" Tag="rsb:" ruleset="lf" Facility="daemon" Severity="err")
ruleset(name="octet") { action(type="omfwd" target="127.0.0.1" port="${port}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format") }
ruleset(name="lf") { action(type="omfwd" target="127.0.0.1" port="${port}" protocol="tcp" template="RSYSLOG_TraditionalForwardFormat") }
`,
    });
    try {
      await received(base + 30, 'rsyslog lines');
    } finally {
      await d.stop();
    }
    const rows = await settle(base, 30, 'line ');
    expect(rows.map((r) => r[0])).toEqual([...lines3164, ...lines5424]);
    expect(new Set(rows.filter((r) => (r[0] as string).startsWith('rs5424')).map((r) => `${r[2]}/${r[5]}/${r[6]}`))).toEqual(new Set(['rsa/local1/notice']));
    expect(new Set(rows.filter((r) => (r[0] as string).startsWith('rs3164')).map((r) => `${r[2]}/${r[5]}/${r[6]}`))).toEqual(new Set(['rsb/daemon/err']));
  });

  it("syslog-ng's network() over TCP, every line once", async () => {
    const lines = Array.from({ length: 15 }, (_, i) => `sng-net line ${String(i).padStart(2, '0')}`);
    const base = node.syslog!.counters.messages;
    const d = await runDaemon(syslogNg, {
      files: { 'in.log': lines.join('\n') + '\n' },
      config: (dir) => `@version: 3.38
options { keep-hostname(yes); };
source s_in { file("${dir}/in.log" flags(no-parse) program-override("sngapp") default-facility(local5) default-priority(info)); };
destination d_eddy { network("127.0.0.1" port(${port}) transport("tcp")); };
log { source(s_in); destination(d_eddy); };
`,
    });
    try {
      await received(base + 15, 'syslog-ng lines');
    } finally {
      await d.stop();
    }
    const rows = await settle(base, 15, 'sng-net');
    expect(rows.map((r) => r[0])).toEqual(lines);
    expect(new Set(rows.map((r) => `${r[2]}/${r[5]}/${r[6]}`))).toEqual(new Set(['sngapp/local5/info']));
  });
});
