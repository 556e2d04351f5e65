// Time-series charts with uPlot: a SQL result with a timestamp and numeric columns, or PromQL series, as aligned lines.
const PALETTE = ['#0a6e8a', '#d1495b', '#edae49', '#66a182', '#8d6a9f', '#2e4057', '#c17c74', '#4f7cac'];
const NUMERIC = /^(U?Int|Float|Decimal)/;
const UNIT = { Second: 1, Millisecond: 1e-3, Microsecond: 1e-6, Nanosecond: 1e-9 };

let plot;

function toSeconds(v, type) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    const unit = /Timestamp(\w+)/.exec(type ?? '')?.[1];
    return v * (UNIT[unit] ?? 1e-3);
  }
  const n = Number(v);
  if (!Number.isNaN(n) && /^-?\d+$/.test(String(v))) return toSeconds(n, type);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t / 1000;
}

/** Series from a SQL result: x = the first timestamp column; one line per numeric column and tag combination. */
export function seriesFromSql(res) {
  const ti = res.types.findIndex((t) => /^Timestamp/.test(t ?? ''));
  if (ti < 0) return [];
  const nums = res.types.map((t, i) => (i !== ti && NUMERIC.test(t ?? '') ? i : -1)).filter((i) => i >= 0);
  const tags = res.types.map((t, i) => (i !== ti && /^String/.test(t ?? '') ? i : -1)).filter((i) => i >= 0);
  if (!nums.length) return [];
  const byKey = new Map();
  for (const row of res.rows) {
    const x = toSeconds(row[ti], res.types[ti]);
    if (x === null) continue;
    const tagText = tags.map((i) => row[i]).join(',');
    for (const i of nums) {
      const key = tagText ? `${res.columns[i]}{${tagText}}` : res.columns[i];
      let s = byKey.get(key);
      if (!s) { s = { name: key, points: [] }; byKey.set(key, s); }
      s.points.push([x, row[i] === null ? null : Number(row[i])]);
    }
  }
  return [...byKey.values()].slice(0, 40);
}

/** Aligns series on the union of their x values (uPlot wants one x array). */
function align(series) {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const y = new Array(xs.length).fill(null);
    for (const [x, v] of s.points) y[at.get(x)] = Number.isFinite(v) ? v : null;
    return y;
  });
  return [xs, ...ys];
}

export function drawChart(el, series) {
  if (plot) { plot.destroy(); plot = undefined; }
  el.textContent = '';
  if (!series.length || !globalThis.uPlot) return false;
  const width = Math.max(320, el.clientWidth || el.parentElement.clientWidth || 800);
  const opts = {
    width, height: 260,
    series: [{}, ...series.map((s, i) => ({ label: s.name, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: true }))],
    axes: [{}, { size: 60 }],
    legend: { live: true },
  };
  plot = new globalThis.uPlot(opts, align(series), el);
  return true;
}
