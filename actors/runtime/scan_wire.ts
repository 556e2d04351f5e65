// JSON form of a region scan request on eddy.region.<id>.scan (nanosecond bounds travel as decimal strings).
import { InvalidArgumentError, compileMatches, validRegex, type AnalyzerOptions, type ColumnPredicate } from '../../core/index.ts';
import type { ScanRequest } from '../../storage/index.ts';

interface WireScan {
  start?: string;
  end?: string;
  columns?: string[];
  tagFilter?: Record<string, (string | null)[]>;
  predicates?: ColumnPredicate[];
  analyze?: boolean;
  limit?: number;
  queryId?: string;
  cancelKey?: string;
}

/** A scan request as the region reads it: `cancelKey` names the scan in a later `scan_cancel` message (the client's signal aborted). */
export interface RemoteScanRequest extends ScanRequest {
  cancelKey?: string;
}

/** A query id is a UUID; anything much longer is not one. */
const MAX_QUERY_ID = 64;

/** The request's signal stays on this side: `cancelKey` (given when it has one) lets the client cancel the scan by a message. */
export function encodeScanRequest(r: ScanRequest, cancelKey?: string): string {
  const w: WireScan = {};
  if (r.start !== undefined) w.start = r.start.toString();
  if (r.end !== undefined) w.end = r.end.toString();
  if (r.columns) w.columns = r.columns;
  if (r.tagFilter) w.tagFilter = r.tagFilter;
  if (r.predicates?.length) w.predicates = r.predicates;
  if (r.analyze) w.analyze = true;
  if (r.limit !== undefined) w.limit = r.limit;
  if (r.queryId !== undefined) w.queryId = r.queryId;
  if (cancelKey !== undefined) w.cancelKey = cancelKey;
  return JSON.stringify(w);
}

export function decodeScanRequest(data: Uint8Array): RemoteScanRequest {
  let w: WireScan;
  try {
    w = data.length ? (JSON.parse(new TextDecoder().decode(data)) as WireScan) : {};
  } catch (e) {
    throw new InvalidArgumentError(`scan request is not JSON: ${(e as Error).message}`);
  }
  const r: RemoteScanRequest = {};
  try {
    if (w.start !== undefined) r.start = BigInt(w.start);
    if (w.end !== undefined) r.end = BigInt(w.end);
  } catch {
    throw new InvalidArgumentError('scan start/end must be integer nanoseconds');
  }
  if (w.columns) r.columns = w.columns;
  if (w.tagFilter) r.tagFilter = w.tagFilter;
  if (Array.isArray(w.predicates)) r.predicates = w.predicates.map(checkPredicate);
  if (w.analyze) r.analyze = true;
  if (w.limit !== undefined) r.limit = w.limit;
  if (w.queryId !== undefined) {
    if (typeof w.queryId !== 'string' || w.queryId.length > MAX_QUERY_ID) throw new InvalidArgumentError(`scan queryId must be a string of at most ${MAX_QUERY_ID} characters`);
    r.queryId = w.queryId;
  }
  if (w.cancelKey !== undefined) {
    if (typeof w.cancelKey !== 'string' || w.cancelKey.length > MAX_QUERY_ID) throw new InvalidArgumentError(`scan cancelKey must be a string of at most ${MAX_QUERY_ID} characters`);
    r.cancelKey = w.cancelKey;
  }
  return r;
}

/** A predicate from the wire, checked so a malformed one is the caller's 4xx, not a failed scan. */
function checkPredicate(p: ColumnPredicate): ColumnPredicate {
  const bad = (why: string) => new InvalidArgumentError(`scan predicate ${JSON.stringify(p)}: ${why}`);
  if (!p || typeof p !== 'object' || typeof p.column !== 'string') throw bad('needs a column name');
  switch (p.op) {
    case 'in': if (!Array.isArray(p.values) || !p.values.every((v) => typeof v === 'string')) throw bad('values must be strings'); break;
    case 'ne': if (typeof p.value !== 'string') throw bad('value must be a string'); break;
    case 'regex': if (typeof p.pattern !== 'string' || (p.flags !== '' && p.flags !== 'i') || !validRegex(p.pattern, p.flags)) throw bad('invalid regular expression or flags'); break;
    case 'like': if (typeof p.pattern !== 'string' || typeof p.prefix !== 'string') throw bad('pattern and prefix must be strings'); break;
    case 'fulltext': {
      const q = p.query as { kind?: unknown; term?: unknown; query?: unknown; options?: { analyzer?: unknown; caseSensitive?: unknown } } | undefined;
      if (q?.kind === 'term' && typeof q.term === 'string') break;
      const noIndex = q?.options === undefined;
      if (q?.kind === 'matches' && typeof q.query === 'string' && (noIndex || ((q.options?.analyzer === 'English' || q.options?.analyzer === 'Chinese') && typeof q.options.caseSensitive === 'boolean'))) {
        try { compileMatches(q.query, q.options as AnalyzerOptions | undefined); } catch (e) { throw bad((e as Error).message); }
        break;
      }
      throw bad('query must be { kind: term, term } or { kind: matches, query, options? }');
    }
    case 'spatial': {
      const s = p.predicate as Record<string, unknown> | undefined;
      const nums = (...k: string[]) => k.every((x) => typeof s?.[x] === 'number' || s?.[x] === null);
      if (typeof p.lng !== 'string') throw bad('needs the longitude column');
      if (s?.op === 'bbox' && nums('minLat', 'maxLat', 'minLng', 'maxLng')) { p = { ...p, predicate: { op: 'bbox', minLat: s.minLat ?? -Infinity, maxLat: s.maxLat ?? Infinity, minLng: s.minLng ?? -Infinity, maxLng: s.maxLng ?? Infinity } as never }; break; }
      if (s?.op === 'radius' && typeof s.lat === 'number' && typeof s.lng === 'number' && typeof s.meters === 'number') break;
      throw bad('predicate must be a bbox or a radius of numbers');
    }
    default: throw bad(`unknown op '${(p as { op: unknown }).op}'`);
  }
  return p;
}
