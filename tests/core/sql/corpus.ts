// Reads GreptimeDB's sqlness cases: splits each .sql into statements and tells which ones GreptimeDB rejected.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

// shared/ sits beside the repository (CI clones it next to a fresh checkout).
export const CASES_DIR = new URL('../../../../shared/conformance/cases', import.meta.url).pathname;

export interface CorpusStatement {
  file: string;
  /** 1-based line of the statement's first line in the .sql file. */
  line: number;
  sql: string;
  /** The first line of GreptimeDB's output for it, when the .result file has one. */
  result?: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.sql') ? [join(dir, e.name)] : [],
  );
}

/**
 * sqlness rules: blank lines and `--` lines between statements are skipped (directives and comments);
 * a statement runs until a line that ends with `;`.
 */
export function splitSqlness(text: string): { line: number; sql: string }[] {
  const out: { line: number; sql: string }[] = [];
  let cur: string[] = [];
  let start = 0;
  text.split('\n').forEach((l, idx) => {
    const t = l.trim();
    if (cur.length === 0 && (t === '' || t.startsWith('--'))) return;
    if (cur.length === 0) start = idx + 1;
    cur.push(l);
    if (t.endsWith(';')) {
      out.push({ line: start, sql: cur.join('\n') });
      cur = [];
    }
  });
  if (cur.length > 0 && cur.join('').trim() !== '') out.push({ line: start, sql: cur.join('\n') });
  return out;
}

export function loadCorpus(dir = CASES_DIR): CorpusStatement[] {
  if (!existsSync(dir)) return [];
  const all: CorpusStatement[] = [];
  for (const f of walk(dir).sort()) {
    const stmts = splitSqlness(readFileSync(f, 'utf8'));
    const resFile = f.replace(/\.sql$/, '.result');
    const res = existsSync(resFile) ? readFileSync(resFile, 'utf8') : '';
    let cursor = 0;
    for (const s of stmts) {
      const entry: CorpusStatement = { file: relative(dir, f), line: s.line, sql: s.sql };
      const at = res.indexOf(s.sql.trim(), cursor);
      if (at >= 0) {
        cursor = at + s.sql.trim().length;
        const after = res.slice(cursor).replace(/^\s*\n/, '');
        entry.result = after.split('\n')[0] ?? '';
      }
      all.push(entry);
    }
  }
  return all;
}

/** Did GreptimeDB reject the statement (any error)? */
export function rejectedByGreptime(s: CorpusStatement): boolean {
  return s.result !== undefined && s.result.startsWith('Error:');
}
