// Parses every statement of GreptimeDB's sqlness cases and checks unaliased column names against the .result headers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../core/errors.ts';
import { parseSql, selectItemName } from '../../../core/sql/index.ts';
import { CASES_DIR, loadCorpus, rejectedByGreptime } from './corpus.ts';

const corpus = loadCorpus();

describe.skipIf(corpus.length === 0)('GreptimeDB sqlness corpus', () => {
  it('parses >= 97% of the statements GreptimeDB accepts, and never crashes', () => {
    let accepted = 0;
    let parsed = 0;
    let rejectedParsed = 0;
    const failures: string[] = [];
    for (const s of corpus) {
      const rejected = rejectedByGreptime(s);
      if (!rejected) accepted++;
      try {
        parseSql(s.sql);
        if (rejected) rejectedParsed++;
        else parsed++;
      } catch (e) {
        expect(e, `${s.file}:${s.line} threw a non-ParseError`).toBeInstanceOf(ParseError);
        if (!rejected) failures.push(`${s.file}:${s.line}: ${(e as Error).message}`);
      }
    }
    const rate = parsed / accepted;
    console.log(
      `sqlness corpus: ${corpus.length} statements; ${parsed}/${accepted} accepted by GreptimeDB parse (${(rate * 100).toFixed(2)}%); ` +
        `${rejectedParsed}/${corpus.length - accepted} that GreptimeDB rejects parse too (their errors are semantic or planner-level)`,
    );
    if (failures.length) console.log(failures.slice(0, 20).join('\n'));
    expect(rate).toBeGreaterThanOrEqual(0.97);
  });

  it('names unaliased select items as GreptimeDB does (single-table selects with a result table)', () => {
    let total = 0;
    let same = 0;
    const diffs: string[] = [];
    const results = new Map<string, string>();
    for (const s of corpus) {
      if (!s.result?.startsWith('+')) continue;
      let st;
      try {
        st = parseSql(s.sql)[0];
      } catch {
        continue;
      }
      if (st?.type !== 'query' || st.query.body.type !== 'select') continue;
      const sel = st.query.body;
      const from = sel.from[0];
      if (sel.from.length !== 1 || from?.type !== 'table' || sel.projection.some((p) => p.expr.type === 'wildcard')) continue;
      const qualifier = from.alias ? [from.alias.name.value] : from.name.map((i) => i.value);
      const res = results.get(s.file) ?? readFileSync(join(CASES_DIR, s.file.replace(/\.sql$/, '.result')), 'utf8');
      results.set(s.file, res);
      const at = res.indexOf(s.sql.trim());
      const header = (res.slice(at + s.sql.trim().length).replace(/^\s*\n/, '').split('\n')[1] ?? '').split('|').slice(1, -1).map((h) => h.trim());
      const names = sel.projection.map((p) =>
        selectItemName(p, {
          rangeQuery: sel.align !== undefined,
          ...(sel.align?.fill !== undefined ? { alignFill: sel.align.fill } : {}),
          qualify: (c) => (c.path.length === 1 ? [...qualifier, c.path[0]!.value] : c.path.map((i) => i.value)),
        }),
      );
      if (header.length !== names.length) continue;
      names.forEach((n, i) => {
        total++;
        if (n === header[i]) same++;
        else diffs.push(`${s.file}:${s.line}: want ${header[i]} got ${n}`);
      });
    }
    console.log(`column names: ${same}/${total} match GreptimeDB's headers`);
    if (diffs.length) console.log(diffs.slice(0, 20).join('\n'));
    expect(total).toBeGreaterThan(500);
    expect(same / total).toBeGreaterThanOrEqual(0.97);
  });
});
