// formatQuery prints a query that parses back to the same tree: checked on every query of the golden SQL files
// (tests/sql/*.sql), and on the shapes GreptimeDB's view definitions show.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatQuery, parseSql, type Query, type Statement } from '../../../core/sql/index.ts';
import { stripPos } from './helpers.ts';

const dir = join(import.meta.dirname, '../../sql');

/** The statement's query tree without positions, source spans and quote marks (the expression printer quotes a
 * name that is a keyword, such as the function range). */
function tree(q: Query): unknown {
  return JSON.parse(JSON.stringify(stripPos(q), (k, v: unknown) => (k === 'span' || k === 'quote' ? undefined : v)));
}

describe('formatQuery', () => {
  it('round-trips every SELECT of the golden files', () => {
    let checked = 0;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.sql'))) {
      // statements end at a ';' closing a line; one that does not parse alone is skipped
      for (const text of readFileSync(join(dir, f), 'utf8').split(/;[ \t]*\n/)) {
        let stmt: Statement | undefined;
        try { stmt = parseSql(text)[0]; } catch { continue; }
        if (stmt?.type !== 'query') continue;
        const printed = formatQuery(stmt.query);
        if (printed === undefined) continue;
        let again: Statement & { query: Query };
        try { again = parseSql(printed)[0] as Statement & { query: Query }; } catch (e) { throw new Error(`${f}: ${printed}: ${(e as Error).message}`); }
        expect(tree(again.query), `${f}: ${printed}`).toEqual(tree(stmt.query));
        expect(formatQuery(again.query)).toBe(printed);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it("prints sqlparser's spelling", () => {
    const q = (s: string) => formatQuery((parseSql(s)[0] as Statement & { query: Query }).query);
    expect(q('select * from t2 inner join t1 on t1.val1 = t2.val2')).toBe('SELECT * FROM t2 JOIN t1 ON t1.val1 = t2.val2');
    expect(q("select  a as x,count(*) from t where b>5 group by a having count(*)>1 order by 1 desc nulls last limit 3 offset 1"))
      .toBe('SELECT a AS x, count(*) FROM t WHERE b > 5 GROUP BY a HAVING count(*) > 1 ORDER BY 1 DESC NULLS LAST LIMIT 3 OFFSET 1');
    expect(q('with c (n) as (select 1) select n from c union all select 2')).toBe('WITH c (n) AS (SELECT 1) SELECT n FROM c UNION ALL SELECT 2');
    expect(q('select "Host" from (select 1) as s left join u using (k)')).toBe('SELECT "Host" FROM (SELECT 1) AS s LEFT JOIN u USING(k)');
  });
});
