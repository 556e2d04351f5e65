// Live tail interest: announcements on a real nats-server start a table's interest (the reply comes after it started),
// renewals keep it, and it lapses once the TTL passes unrenewed (simulated clock, the sweep driven by the test).
import { describe, expect, it } from 'vitest';
import { SimulatedClock, Subjects } from '../../../core/index.ts';
import { InterestTable, TailInterest } from '../../../actors/logs/tail_interest.ts';
import { natsPerFile } from '../../harness/index.ts';

describe('tail interest', () => {
  const nats = natsPerFile();

  it('InterestTable: first announcement starts, renewals extend, expiry after the TTL', () => {
    const t = new InterestTable(1000);
    expect(t.announce('public', 'a', 0)).toBe(true);
    expect(t.announce('public', 'a', 600)).toBe(false);
    expect(t.expire(1599)).toEqual([]);
    expect(t.has('public', 'a')).toBe(true);
    expect(t.expire(1600)).toEqual([{ db: 'public', table: 'a' }]);
    expect(t.has('public', 'a')).toBe(false);
    expect(t.announce('public', 'a', 2000)).toBe(true);
  });

  it('announced over NATS: started before the reply, ended by the sweep once unrenewed past the TTL', async () => {
    const clock = new SimulatedClock(10_000);
    const events: string[] = [];
    const interest = new TailInterest(nats.nc, clock, (db, t) => events.push(`start ${db}.${t}`), (db, t) => events.push(`end ${db}.${t}`), 5000, () => () => undefined);
    interest.start();
    try {
      const r = JSON.parse((await nats.nc.request(Subjects.tailInterest('public', 'web'))).string());
      expect(r).toEqual({ ok: true, subject: 'eddy.tail.public.web', ttl_ms: 5000 });
      expect(events).toEqual(['start public.web']);
      clock.advance(4000);
      await nats.nc.request(Subjects.tailInterest('public', 'web'));
      clock.advance(4000);
      interest.sweep();
      expect(events).toEqual(['start public.web']);
      clock.advance(1000);
      interest.sweep();
      expect(events).toEqual(['start public.web', 'end public.web']);
      expect(interest.table.size).toBe(0);
    } finally {
      interest.stop();
    }
  });
});
