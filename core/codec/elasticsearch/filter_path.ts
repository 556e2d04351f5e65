// Elasticsearch's `filter_path` response filter: comma-separated dotted paths, `*` inside a name (any characters),
// `**` for any number of levels, arrays transparent, `-path` to exclude. Exclusions apply first, then inclusions;
// a container left with nothing included is dropped, and a response with nothing included is `{}`.

type Pat = readonly string[];

function glob(p: string, key: string): boolean {
  if (!p.includes('*')) return p === key;
  const parts = p.split('*');
  if (!key.startsWith(parts[0]!) || !key.endsWith(parts[parts.length - 1]!)) return false;
  let at = parts[0]!.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const k = key.indexOf(parts[i]!, at);
    if (k < 0) return false;
    at = k + parts[i]!.length;
  }
  return at <= key.length - parts[parts.length - 1]!.length;
}

/** The patterns left for a key's value, and whether one of them ended at the key (the whole value matches). */
function step(pats: Pat[], key: string): { whole: boolean; next: Pat[] } {
  let whole = false;
  const next: Pat[] = [];
  for (const p of pats) {
    if (p[0] === '**') {
      next.push(p); // ** goes on matching deeper levels
      if (p.length === 1) { whole = true; continue; }
      if (glob(p[1]!, key)) { if (p.length === 2) whole = true; else next.push(p.slice(2)); }
      continue;
    }
    if (!glob(p[0]!, key)) continue;
    if (p.length === 1) whole = true;
    else next.push(p.slice(1));
  }
  return { whole, next };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function include(v: unknown, pats: Pat[]): unknown {
  if (Array.isArray(v)) {
    const out = v.map((x) => include(x, pats)).filter((x) => x !== undefined);
    return out.length > 0 ? out : undefined;
  }
  if (!isObject(v)) return undefined;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, x] of Object.entries(v)) {
    const { whole, next } = step(pats, k);
    const r = whole ? x : next.length > 0 ? include(x, next) : undefined;
    if (r !== undefined) { out[k] = r; any = true; }
  }
  return any ? out : undefined;
}

function exclude(v: unknown, pats: Pat[]): unknown {
  if (Array.isArray(v)) return v.map((x) => exclude(x, pats));
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const { whole, next } = step(pats, k);
    if (whole) continue;
    out[k] = next.length > 0 ? exclude(x, next) : x;
  }
  return out;
}

/** A response body filtered by a `filter_path` expression. */
export function filterPath(body: unknown, expr: string): unknown {
  const all = expr.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== '-');
  const exc = all.filter((s) => s.startsWith('-')).map((s) => s.slice(1).split('.'));
  const inc = all.filter((s) => !s.startsWith('-')).map((s) => s.split('.'));
  let out = exc.length > 0 ? exclude(body, exc) : body;
  if (inc.length > 0) out = include(out, inc) ?? {};
  return out;
}
