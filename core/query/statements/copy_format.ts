// The file formats of COPY: CSV (RFC 4180, a header line of column names) and JSON (one object per line), both
// ways. Written as GreptimeDB's Arrow writers write them: timestamps as ISO text without a zone, NULL as an empty
// CSV cell or a key left out of the JSON object, decimals and 64-bit integers with all their digits in both.
import { EddyError, StatusCode } from '../../errors.ts';
import { jsonValue, textValue } from '../output/index.ts';
import { csvQuote } from '../output/cells.ts';
import type { Rel } from '../plan/rel.ts';
import type { Vec } from '../vector.ts';
import { isNull } from '../vector.ts';
import { parseExactJson } from './copy_json.ts';

export type CopyFormat = 'csv' | 'json';

/**
 * A value read from a file: text (CSV cells, JSON strings), a JSON number (a bigint when it is an integer a double
 * cannot hold: every digit kept) or boolean, or null.
 */
export type FileValue = string | number | bigint | boolean | null;

export function writeRows(rel: Rel, format: CopyFormat): string {
  const out: string[] = [];
  if (format === 'csv') {
    out.push(rel.fields.map((f) => csvQuote(f.name)).join(','));
    for (let i = 0; i < rel.len; i++) out.push(rel.cols.map((c) => (isNull(c, i) ? '' : csvQuote(textValue(c, i)))).join(','));
  } else {
    const keys = rel.fields.map((f) => JSON.stringify(f.name) + ':');
    for (let i = 0; i < rel.len; i++) {
      const parts: string[] = [];
      rel.cols.forEach((c, j) => {
        if (!isNull(c, i)) parts.push(keys[j]! + jsonCell(c, i));
      });
      out.push(`{${parts.join(',')}}`);
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/**
 * One JSON value of a row: decimals and 64-bit integers as their exact digits (a JSON number need not fit a double;
 * Arrow's JSON writer prints them so), timestamps and lists as text, the rest as JSON spells them.
 */
function jsonCell(c: Vec, i: number): string {
  if (c.kind === 'num' && (c.dec !== undefined || c.dt.startsWith('Decimal128('))) return textValue(c, i);
  if (c.kind === 'num' && c.big !== undefined) return String(c.big[i]!);
  return JSON.stringify(c.kind === 'ts' || c.kind === 'any' ? textValue(c, i) : jsonValue(c, i), (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

const bad = (path: string, line: number, why: string) => new EddyError(StatusCode.InvalidArguments, `COPY FROM '${path}': line ${line}: ${why}`);

/** Column names and rows of a file; an error names the file and the line. */
export function readRows(text: string, format: CopyFormat, path: string): { columns: string[]; rows: FileValue[][] } {
  return format === 'csv' ? readCsv(text, path) : readJson(text, path);
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; an unquoted empty cell is NULL. */
function readCsv(text: string, path: string): { columns: string[]; rows: FileValue[][] } {
  const records: FileValue[][] = [];
  let rec: FileValue[] = [];
  let i = 0, line = 1;
  const n = text.length;
  if (n === 0) return { columns: [], rows: [] };
  for (;;) {
    let cell: FileValue;
    if (text[i] === '"') {
      const startLine = line;
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw bad(path, startLine, 'unterminated quoted field');
        const ch = text[i]!;
        if (ch === '"') {
          if (text[i + 1] === '"') { s += '"'; i += 2; continue; }
          i++;
          break;
        }
        if (ch === '\n') line++;
        s += ch;
        i++;
      }
      if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') throw bad(path, line, 'text after a closing quote');
      cell = s;
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
      cell = j === i ? null : text.slice(i, j);
      i = j;
    }
    rec.push(cell);
    if (i < n && text[i] === ',') { i++; continue; }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    if (rec.length > 1 || rec[0] !== null) records.push(rec); // a blank line is no record
    rec = [];
    line++;
    if (i >= n) break;
  }
  if (!records.length) return { columns: [], rows: [] };
  const [head, ...rows] = records;
  const columns = head!.map((c, k) => {
    if (c === null || c === '') throw bad(path, 1, `column ${k + 1} of the header has no name`);
    return String(c);
  });
  rows.forEach((r, k) => {
    if (r.length !== columns.length) throw bad(path, k + 2, `${r.length} fields where the header has ${columns.length}`);
  });
  return { columns, rows };
}

/** One JSON object per line (blank lines skipped); the columns are the keys, in the order first seen. */
function readJson(text: string, path: string): { columns: string[]; rows: FileValue[][] } {
  const columns: string[] = [];
  const at = new Map<string, number>();
  const objs: { o: Record<string, unknown>; line: number }[] = [];
  text.split('\n').forEach((l, k) => {
    if (l.trim() === '') return;
    let o: unknown;
    // without a run of 16 digits every integer in the line has at most 15, which a double holds: JSON.parse is exact
    try { o = /\d{16}/.test(l) ? parseExactJson(l) : JSON.parse(l); } catch (e) { throw bad(path, k + 1, `not JSON (${(e as Error).message})`); }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) throw bad(path, k + 1, 'expected a JSON object');
    for (const key of Object.keys(o)) if (!at.has(key)) { at.set(key, columns.length); columns.push(key); }
    objs.push({ o: o as Record<string, unknown>, line: k + 1 });
  });
  const rows = objs.map(({ o, line }) => columns.map((c): FileValue => {
    const v = o[c];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
    throw bad(path, line, `the value of "${c}" is not a string, number or boolean`);
  }));
  return { columns, rows };
}
