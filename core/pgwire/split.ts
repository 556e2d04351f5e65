// Splits a simple-query string into statements on top-level `;`, keeping each one's offset for error positions.
import { findPlaceholders } from './params.ts';

export interface StatementText { text: string; offset: number }

/** Statements of `sql` (empty ones dropped), split outside literals, quoted names, comments and dollar quotes. */
export function splitStatements(sql: string): StatementText[] {
  const out: StatementText[] = [];
  let start = 0;
  const push = (end: number) => {
    const text = sql.slice(start, end);
    if (text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim() !== '') out.push({ text, offset: start });
  };
  for (const at of topLevelSemicolons(sql)) {
    push(at);
    start = at + 1;
  }
  push(sql.length);
  return out;
}

/** Offsets of the `;` that end statements. */
function topLevelSemicolons(sql: string): number[] {
  // Mask everything that is not code (literals, comments) with spaces, then find the semicolons left.
  const masked = maskNonCode(sql);
  const out: number[] = [];
  for (let i = masked.indexOf(';'); i >= 0; i = masked.indexOf(';', i + 1)) out.push(i);
  return out;
}

/** `sql` with the insides of literals and quoted identifiers, and comments, blanked out (same length; quotes kept). */
export function maskNonCode(sql: string): string {
  const chars = sql.split('');
  let i = 0;
  const n = sql.length;
  const blank = (from: number, to: number) => { for (let k = from; k < Math.min(to, n); k++) chars[k] = ' '; };
  while (i < n) {
    const c = sql[i]!;
    if (c === "'") {
      const escapes = i > 0 && /[Ee]/.test(sql[i - 1]!) && (i < 2 || !/[A-Za-z0-9_$]/.test(sql[i - 2]!));
      let j = i + 1;
      while (j < n) {
        if (escapes && sql[j] === '\\') { j += 2; continue; }
        if (sql[j] === "'") { if (sql[j + 1] === "'") { j += 2; continue; } break; }
        j++;
      }
      blank(i + 1, j); i = j + 1;
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      while (j < n && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      blank(i + 1, j); i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      let j = i;
      while (j < n && sql[j] !== '\n') j++;
      blank(i, j); i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      const j = e < 0 ? n : e + 2;
      blank(i, j); i = j;
    } else if (c === '$' && (i === 0 || !/[A-Za-z0-9_$]/.test(sql[i - 1]!))) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
      if (m) {
        const e = sql.indexOf(m[0], i + m[0].length);
        const j = e < 0 ? n : e + m[0].length;
        blank(i, j); i = j;
      } else i++;
    } else i++;
  }
  return chars.join('');
}

export { findPlaceholders };
