// The cold half of the series key cache in a parse: binding a cached key to this parse's column builders, and adding a
// key parsed the slow way. Runs once per distinct series key and parse, not per line.
import type { ColumnBuilder, MeasurementBuilder } from './builder.ts';
import type { Interner } from './intern.ts';
import { SeriesEntry, type SeriesCache } from './series_cache.ts';

/** What these helpers read of the parser. */
export interface SeriesParse {
  readonly stamp: number;
  readonly timeColumn: string;
  readonly resolved: SeriesEntry[];
  readonly cache: SeriesCache;
  readonly interner: Interner;
  readonly tagCols: ColumnBuilder[];
  readonly tagIds: number[];
  measurementNamed(name: string, raw: Uint8Array): MeasurementBuilder;
}

/**
 * The builders and dict codes of a cached series key in this parse, or null when they do not fit
 * what this parse has seen (a tag key used as a field, the time column's name): the slow path then
 * parses the line and reports the error where it is.
 */
export function resolveEntry(p: SeriesParse, e: SeriesEntry): SeriesEntry | null {
  if (e.stamp === p.stamp) return e.resMeasurement === null ? null : e;
  e.stamp = p.stamp;
  const m = p.measurementNamed(e.measurement, e.rawMeasurement);
  const k = e.tagNames.length;
  const cols: ColumnBuilder[] = new Array(k);
  const codes = e.resCodes.length === k ? e.resCodes : new Int32Array(k);
  for (let t = 0; t < k; t++) {
    const name = e.tagNames[t]!;
    let c = m.cols.get(name);
    if (c === undefined) {
      if (name === p.timeColumn) return null;
      c = m.add(name, 'string', 'tag', e.tagRawKeys[t]!);
    } else if (c.semantic !== 'tag') return null;
    cols[t] = c;
    codes[t] = c.codeOf(e.tagValues[t]!);
  }
  e.resMeasurement = m;
  e.resCols = cols;
  e.resCodes = codes;
  p.resolved.push(e);
  return e;
}

/** Adds the series key just parsed the slow way (p tags) to the cache, resolved for this parse; the row's serial is its own. */
export function rememberEntry(q: SeriesParse, m: MeasurementBuilder, key: Uint8Array, h: number, p: number): void {
  const strs = q.interner.strs;
  const cols = q.tagCols.slice(0, p);
  const entry = new SeriesEntry(
    key, h, m.name, m.rawName,
    cols.map((c) => c.name), cols.map((c) => c.rawKey), q.tagIds.slice(0, p).map((id) => strs[id]!),
  );
  entry.stamp = q.stamp;
  entry.resMeasurement = m;
  entry.resCols = cols;
  entry.resCodes = Int32Array.from(cols, (c, t) => c.codeOfId(q.tagIds[t]!, strs));
  q.resolved.push(entry);
  const last = q.cache.last;
  q.cache.add(entry);
  if (last !== null && q.cache.size > 1) last.next = entry;
  q.cache.last = entry;
  m.setSeries(m.rows, entry.serial);
}
