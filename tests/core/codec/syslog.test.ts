// Syslog: RFC 5424 and RFC 3164 into columns, TCP framing (octet counting, LF); fuzzed with fast-check.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SyslogColumns, SyslogFramer, TimeCol } from '../../../core/index.ts';

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);

function parse(lines: string[], peer = '10.0.0.9') {
  const c = new SyslogColumns();
  const faults = lines.map((l) => c.add(l, NOW, peer));
  const { n, columns } = c.columns();
  const col = (k: string) => columns.get(k) as unknown[];
  const ts = [...(columns.get('timestamp') as TimeCol).ns];
  return { n, faults, ts, col };
}

describe('syslog parser', () => {
  it('reads RFC 5424 with structured data, nil values and a BOM', () => {
    const r = parse([
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] \uFEFFAn application event',
      '<34>1 2003-10-11T22:14:15.000001-07:00 - su 42 - - ',
      '<13>1 - host app - - [a x="q\\"u\\]o\\\\te"]',
    ]);
    expect(r.faults).toEqual([null, null, null]);
    expect(r.ts).toEqual([1065910455003000000n, 1065935655000001000n, BigInt(NOW) * 1_000_000n]);
    expect(r.col('host')).toEqual(['mymachine.example.com', null, 'host']);
    expect(r.col('app')).toEqual(['evntslog', 'su', 'app']);
    expect(r.col('procid')).toEqual([null, '42', null]);
    expect(r.col('msgid')).toEqual(['ID47', null, null]);
    expect(r.col('facility')).toEqual(['local4', 'auth', 'user']);
    expect(r.col('severity')).toEqual(['notice', 'crit', 'notice']);
    expect(r.col('message')).toEqual(['An application event', '', null]);
    expect(JSON.parse(JSON.stringify(r.col('structured_data')))).toEqual([
      { exampleSDID$32473: undefined, 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' }, 'examplePriority@32473': { class: 'high' } },
      null, { a: { x: 'q"u]o\\te' } },
    ].map((x) => JSON.parse(JSON.stringify(x))));
  });

  it('reads RFC 3164 with and without its header parts', () => {
    const r = parse(['<34>Oct 11 22:14:15 mymachine su[123]: \'su root\' failed for lonvick', '<13>Jun  1 08:00:00 web nginx: GET /', '<86>just some text']);
    expect(r.faults).toEqual([null, null, null]);
    // October is more than a month after June 15: last year's
    expect(r.ts[0]).toBe(BigInt(Date.UTC(2023, 9, 11, 22, 14, 15)) * 1_000_000n);
    expect(r.ts[1]).toBe(BigInt(Date.UTC(2024, 5, 1, 8, 0, 0)) * 1_000_000n);
    expect(r.col('host')).toEqual(['mymachine', 'web', '10.0.0.9']);
    expect(r.col('app')).toEqual(['su', 'nginx', null]);
    expect(r.col('procid')).toEqual(['123', null, null]);
    expect(r.col('message')).toEqual(["'su root' failed for lonvick", 'GET /', 'just some text']);
    expect(r.col('facility')).toEqual(['auth', 'user', 'authpriv']);
  });

  it('names the fault of a frame that is not syslog, and keeps nothing of it', () => {
    const r = parse(['no pri', '<999>1 - - - - - -', '<01>x', '<13>1 2024-13-01T00:00:00Z h a - - -', '<13>1 - h a - - [x a=1]', '<13>1 - h a - - -x']);
    expect(r.n).toBe(0);
    expect(r.faults.map((f) => f?.reason)).toEqual([
      "expected '<' starting the PRI", 'PRI 999 is over 191', 'PRI is not 1 to 3 digits closed by >',
      "TIMESTAMP '2024-13-01T00:00:00Z' is out of range", "expected =\"value\" after PARAM-NAME 'a'", 'expected a space before MSG',
    ]);
    expect(r.faults[4]!.at).toBe(20);
  });

  it('fuzz: any text is a message or a fault, and columns stay aligned', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ maxLength: 40 }).map((s) => `<13>1 ${s}`), fc.string({ maxLength: 40 }).map((s) => `<13>${s}`)), { maxLength: 10 }), (lines) => {
      const r = parse(lines);
      expect(r.n).toBe(r.faults.filter((f) => f === null).length);
      for (const k of ['host', 'app', 'procid', 'msgid', 'facility', 'severity', 'message', 'structured_data']) expect(r.col(k)).toHaveLength(r.n);
    }), { numRuns: 300 });
  });
});

describe('syslog TCP framing', () => {
  function frames(chunks: Buffer[]) {
    const out: string[] = [];
    const faults: string[] = [];
    const f = new SyslogFramer({ frame: (t) => out.push(t), fault: (r, at) => faults.push(`${r}@${at}`) }, 1000);
    for (const c of chunks) f.push(c);
    f.end();
    return { out, faults };
  }

  it('splits octet-counted and LF frames, across chunk boundaries, and skips a bad frame to the next LF', () => {
    const body = '12 <13>1 - a b\n<14>line two\r\n\n5 <1>xy99999999 <1>bad\n<15>after\n8 <13>last';
    const r = frames([Buffer.from(body)]);
    expect(r.out).toEqual(['<13>1 - a b\n', '<14>line two', '<1>xy', '<15>after', '<13>last']);
    expect(r.faults).toEqual(['octet-counting frame: expected digits then a space@37']);
    const split = frames([...Buffer.from(body)].map((b) => Buffer.from([b])));
    expect(split).toEqual(r);
  });

  it('fuzz: octet-counted frames of any bytes come back whole however the stream is cut', () => {
    fc.assert(fc.property(fc.array(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 10 }), (msgs, cuts) => {
      const stream = Buffer.concat(msgs.map((m) => { const b = Buffer.from(m); return Buffer.concat([Buffer.from(`${b.length} `), b]); }));
      const chunks: Buffer[] = [];
      let p = 0;
      for (const c of cuts) { if (p >= stream.length) break; chunks.push(stream.subarray(p, p + c)); p += c; }
      if (p < stream.length) chunks.push(stream.subarray(p));
      const r = frames(chunks);
      expect(r.faults).toEqual([]);
      expect(r.out).toEqual(msgs.map((m) => Buffer.from(m).toString()));
    }), { numRuns: 500 });
  });
});
