// Well-known text (WKT) geometries for the st_* functions: POINT, LINESTRING, POLYGON, parsed with positions.
// Coordinates are (x y) = (longitude latitude), as WKT and GreptimeDB's wkt_point_from_latlng write them.

export type Geom =
  | { t: 'point'; x: number; y: number }
  /** x0, y0, x1, y1, ... */
  | { t: 'line'; xy: Float64Array }
  /** Rings (first: the shell, then holes), each closed (first point repeated last). */
  | { t: 'polygon'; rings: Float64Array[] };

export class WktError extends Error {
  constructor(readonly reason: string, readonly position: number, readonly text: string) {
    super(`invalid WKT: ${reason} at position ${position} of '${text.length > 60 ? text.slice(0, 57) + '...' : text}'`);
  }
}

const NUM = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const WORD = /[A-Za-z]+/y;

export function parseWkt(text: string): Geom {
  let i = 0;
  const fail = (why: string): never => { throw new WktError(why, i + 1, text); };
  const ws = (): void => { while (i < text.length && /\s/.test(text[i]!)) i++; };
  const expect = (c: string): void => { ws(); if (text[i] !== c) fail(`expected '${c}'${i < text.length ? `, found '${text[i]}'` : ', found the end'}`); i++; };
  const number = (): number => {
    ws();
    NUM.lastIndex = i;
    const m = NUM.exec(text);
    if (!m) fail('expected a number');
    i += m![0].length;
    const v = Number(m![0]);
    if (!Number.isFinite(v)) fail('number out of range');
    return v;
  };
  const coords = (): number[] => { const out = [number(), number()]; ws(); if (/[-+.\d]/.test(text[i] ?? '')) fail('only 2-dimensional coordinates are supported'); return out; };
  const seq = (): number[] => {
    expect('(');
    const xs = coords();
    ws();
    while (text[i] === ',') { i++; xs.push(...coords()); ws(); }
    expect(')');
    return xs;
  };
  ws();
  WORD.lastIndex = i;
  const w = WORD.exec(text);
  if (!w) fail('expected POINT, LINESTRING or POLYGON');
  const kind = w![0].toUpperCase();
  const kindAt = i;
  i += w![0].length;
  let g: Geom;
  if (kind === 'POINT') {
    expect('(');
    const [x, y] = coords();
    expect(')');
    g = { t: 'point', x: x!, y: y! };
  } else if (kind === 'LINESTRING') {
    const xs = seq();
    if (xs.length < 4) fail('a LINESTRING needs at least 2 points');
    g = { t: 'line', xy: Float64Array.from(xs) };
  } else if (kind === 'POLYGON') {
    expect('(');
    const rings: Float64Array[] = [];
    for (;;) {
      const at = i;
      const xs = seq();
      const n = xs.length;
      if (xs[0] !== xs[n - 2] || xs[1] !== xs[n - 1]) { i = at; ws(); fail('a POLYGON ring must end at its first point'); }
      if (n < 8) { i = at; ws(); fail('a POLYGON ring needs at least 4 points'); }
      rings.push(Float64Array.from(xs));
      ws();
      if (text[i] !== ',') break;
      i++;
    }
    expect(')');
    g = { t: 'polygon', rings };
  } else {
    i = kindAt;
    return fail(`unsupported geometry type ${kind} (POINT, LINESTRING or POLYGON)`);
  }
  ws();
  if (i < text.length) fail(`unexpected '${text[i]}' after the geometry`);
  return g;
}

/** WKT text of a point, as GreptimeDB prints it: POINT(lng lat). */
export function wktPoint(lng: number, lat: number): string {
  return `POINT(${lng} ${lat})`;
}
