// JSON form of a region scan request on eddy.region.<id>.scan (nanosecond bounds travel as decimal strings).
import { InvalidArgumentError, validRegex, type ColumnPredicate } from '../../core/index.ts';
import type { ScanRequest } from '../../storage/index.ts';

interface WireScan {
  start?: string;
  end?: string;
  columns?: string[];
  tagFilter?: Record<string, (string | null)[]>;
  predicates?: ColumnPredicate[];
  analyze?: boolean;
  limit?: number;
}

export function encodeScanRequest(r: ScanRequest): string {
  const w: WireScan = {};
  if (r.start !== undefined) w.start = r.start.toString();
  if (r.end !== undefined) w.end = r.end.toString();
  if (r.columns) w.columns = r.columns;
  if (r.tagFilter) w.tagFilter = r.tagFilter;
  if (r.predicates?.length) w.predicates = r.predicates;
  if (r.analyze) w.analyze = true;
  if (r.limit !== undefined) w.limit = r.limit;
  return JSON.stringify(w);
}

export function decodeScanRequest(data: Uint8Array): ScanRequest {
  let w: WireScan;
  try {
    w = data.length ? (JSON.parse(new TextDecoder().decode(data)) as WireScan) : {};
  } catch (e) {
    throw new InvalidArgumentError(`scan request is not JSON: ${(e as Error).message}`);
  }
  const r: ScanRequest = {};
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
    default: throw bad(`unknown op '${(p as { op: unknown }).op}'`);
  }
  return p;
}
