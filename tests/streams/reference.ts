// A naive batch evaluator of the property-test flows: builds the table a window saw, then runs the SELECT over it.
import type { FlowValue } from '../../streams/index.ts';

/** A source row; `del` marks a deleted key (host, ts) instead of a written row. */
export interface SrcRow { host: string; k: string; v: number | null; ts: bigint; del?: boolean }

export interface RefOptions {
  windowNs: bigint;
  slideNs: bigint;
  /** null: no watermark, no window ever closes. */
  latenessNs: bigint | null;
}

function windowsOf(t: bigint, o: RefOptions): bigint[] {
  const out: bigint[] = [];
  const floor = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b)) * b;
  for (let s = floor(t, o.slideNs); s + o.windowNs > t; s -= o.slideNs) out.push(s);
  return out;
}

function pct(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/**
 * Expected sink rows of
 *   SELECT host, k, count(*) AS c, count(v) AS cv, sum(v) AS s, avg(v) AS a, min(v) AS mn, max(v) AS mx,
 *          first_value(v) AS f, last_value(v) AS l, count(DISTINCT v) AS d, approx_percentile_cont(v, 0.5) AS p,
 *          max(v) - min(v) AS spread, <window> AS w
 *   FROM t WHERE v IS NULL OR v > -80 GROUP BY host, k, w HAVING count(*) > 1
 * for every window: the window's table is the last write per (host, ts) among rows that arrived while it was open,
 * less the keys deleted while it was open.
 */
export function reference(batches: SrcRow[][], o: RefOptions): { rows: Map<string, Record<string, FlowValue>>; watermark: bigint | null; closed: Set<bigint> } {
  let max: bigint | null = null;
  const tables = new Map<bigint, Map<string, SrcRow>>();
  for (const b of batches) {
    const wmBefore = max === null || o.latenessNs === null ? null : max - o.latenessNs;
    for (const r of b) {
      for (const s of windowsOf(r.ts, o)) {
        if (wmBefore !== null && s + o.windowNs <= wmBefore) continue;
        let t = tables.get(s);
        if (!t) tables.set(s, (t = new Map()));
        if (r.del) t.delete(`${r.host}|${r.ts}`);
        else t.set(`${r.host}|${r.ts}`, r);
      }
    }
    // Deletes do not move event time.
    for (const r of b) if (!r.del && (max === null || r.ts > max)) max = r.ts;
  }
  const watermark = max === null || o.latenessNs === null ? null : max - o.latenessNs;
  const rows = new Map<string, Record<string, FlowValue>>();
  const closed = new Set<bigint>();
  for (const [s, table] of tables) {
    if (watermark !== null && s + o.windowNs <= watermark) closed.add(s);
    const groups = new Map<string, SrcRow[]>();
    for (const r of table.values()) {
      if (!(r.v === null || r.v > -80)) continue;
      const g = `${s}|${r.host}|${r.k}`;
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(r);
    }
    for (const [g, rs] of groups) {
      if (!(rs.length > 1)) continue;
      const vs = rs.map((r) => r.v).filter((v): v is number => v !== null);
      const byTs = [...rs].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      const mn = vs.length ? Math.min(...vs) : null;
      const mx = vs.length ? Math.max(...vs) : null;
      const sum = vs.length ? vs.reduce((a, b) => a + b, 0) : null;
      rows.set(g, {
        host: rs[0]!.host,
        k: rs[0]!.k,
        c: rs.length,
        cv: vs.length,
        s: sum,
        a: sum === null ? null : sum / vs.length,
        mn,
        mx,
        f: byTs[0]!.v,
        l: byTs[byTs.length - 1]!.v,
        d: new Set(vs).size,
        p: pct(vs, 0.5),
        spread: mn === null || mx === null ? null : mx - mn,
        w: s,
      });
    }
  }
  return { rows, watermark, closed };
}
