// Golden SQL tests: each tests/sql/*.sql runs statement by statement against an in-memory context and must
// reproduce its .result file; UPDATE_GOLDEN=1 rewrites the .result files.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { executeSql, formatOutput } from '../../core/query/index.ts';
import { statusName } from '../../core/index.ts';
import { MemoryCatalog } from './memory_context.ts';

const dir = dirname(fileURLToPath(import.meta.url));

/** Splits a file into statements the way sqlness does: a statement ends at a line ending with ';'. */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!cur.length && (t === '' || t.startsWith('--'))) continue;
    cur.push(line);
    const body = cur.join('\n');
    if (t.endsWith(';') && (body.match(/'/g) ?? []).length % 2 === 0) { out.push(body.trim()); cur = []; }
  }
  if (cur.join('').trim()) out.push(cur.join('\n').trim());
  return out;
}

export async function runGolden(text: string): Promise<{ output: string; statements: number }> {
  const cat = new MemoryCatalog();
  const ctx = cat.context('public');
  const parts: string[] = [];
  const stmts = splitStatements(text);
  for (const s of stmts) {
    let res: string;
    try {
      // EXPLAIN ANALYZE reports wall time; keep the golden output stable
      res = (await executeSql(ctx, s)).map(formatOutput).join('\n\n').replace(/=[\d.]+ms/g, '=<t>');
      // ...and the table's column widths follow the times' digits: squash padding for ANALYZE output.
      if (/^EXPLAIN\s+ANALYZE/i.test(s)) res = res.replace(/ +\|/g, ' |').replace(/-{2,}/g, '--');
    } catch (e) {
      const err = e as { code?: number; message: string };
      res = err.code !== undefined ? `Error: ${err.code}(${statusName(err.code)}), ${err.message}` : `Error: ${err.message}`;
    }
    parts.push(`${s}\n\n${res}\n`);
  }
  return { output: parts.join('\n'), statements: stmts.length };
}

const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();

describe('golden SQL', () => {
  for (const f of files) {
    it(f, async () => {
      const { output } = await runGolden(readFileSync(join(dir, f), 'utf8'));
      const resultFile = join(dir, f.replace(/\.sql$/, '.result'));
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(resultFile)) writeFileSync(resultFile, output);
      expect(output).toBe(readFileSync(resultFile, 'utf8'));
    });
  }
});
