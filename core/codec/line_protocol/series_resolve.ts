// The cold half of the series key cache in a parse: binding a cached key to this parse's column builders, and adding a
// key parsed the slow way. A layout is bound once per parse, a key once per parse (an array read per tag).
import type { ColumnBuilder, MeasurementBuilder } from './builder.ts';
import type { Interner } from './intern.ts';
import { SeriesEntry, type SeriesCache, type SeriesLayout } from './series_cache.ts';
import type { RawKey } from './raw_key.ts';

/** What these helpers read of the parser. */
export interface SeriesParse {
  readonly stamp: number;
  readonly timeColumn: string;
  /** Layouts bound in this parse; their references to this parse's builders are dropped at its end. */
  readonly resolved: SeriesLayout[];
  readonly cache: SeriesCache;
  readonly interner: Interner;
  readonly tagCols: ColumnBuilder[];
  readonly tagIds: number[];
  measurementNamed(name: string, raw: RawKey): MeasurementBuilder;
}

/**
 * The cached series key e with its layout bound to this parse's builders and its dict codes found, or null when they
 * do not fit what this parse has seen (a tag key used as a field, the time column's name): the slow path then parses
 * the line and reports the error where it is.
 */
export function resolveEntry(p: SeriesParse, e: SeriesEntry): SeriesEntry | null {
  const l = e.layout;
  if (l.stamp !== p.stamp) bindLayout(p, l);
  if (l.resMeasurement === null) return null;
  if (e.stamp !== p.stamp) {
    e.stamp = p.stamp;
    const cols = l.resCols;
    const codes = e.resCodes;
    const ids = e.valueIds;
    const source = p.cache.source;
    for (let t = 0; t < cols.length; t++) codes[t] = cols[t]!.codeOfValue(ids[t]!, e.tagValues[t]!, source);
  }
  return e;
}

function bindLayout(p: SeriesParse, l: SeriesLayout): void {
  l.stamp = p.stamp;
  l.resMeasurement = null;
  const m = p.measurementNamed(l.measurement, l.rawMeasurement);
  const k = l.tagNames.length;
  const cols: ColumnBuilder[] = new Array(k);
  for (let t = 0; t < k; t++) {
    const name = l.tagNames[t]!;
    let c = m.cols.get(name);
    if (c === undefined) {
      if (name === p.timeColumn) return;
      c = m.add(name, 'string', 'tag', l.tagRawKeys[t]!);
    } else if (c.semantic !== 'tag') return;
    cols[t] = c;
  }
  l.resMeasurement = m;
  l.resCols = cols;
  p.resolved.push(l);
}

/** Adds the series key just parsed the slow way (p tags) to the cache, resolved for this parse; the row's serial is its own. */
export function rememberEntry(q: SeriesParse, m: MeasurementBuilder, key: RawKey, h: number, p: number): void {
  const cache = q.cache;
  // before the layout and value ids are taken: starting over renumbers values
  cache.makeRoom(key.length);
  const strs = q.interner.strs;
  const cols = q.tagCols.slice(0, p);
  const layout = cache.layout(m.name, m.rawName, cols.map((c) => c.name), cols.map((c) => c.rawKey));
  if (layout.stamp !== q.stamp) {
    layout.stamp = q.stamp;
    layout.resMeasurement = m;
    layout.resCols = cols;
    q.resolved.push(layout);
  }
  const values = q.tagIds.slice(0, p).map((id) => strs[id]!);
  const entry = new SeriesEntry(key, h, layout, values, Int32Array.from(values, (v) => cache.valueId(v)));
  entry.stamp = q.stamp;
  for (let t = 0; t < p; t++) entry.resCodes[t] = cols[t]!.codeOfId(q.tagIds[t]!, strs);
  const last = cache.last;
  cache.add(entry);
  if (last !== null && cache.size > 1) last.next = entry;
  cache.last = entry;
  m.setSeries(m.rows, entry.serial);
}
