// Which WHERE conjuncts a FULLTEXT index answers: matches_term(col, 'term') (and `col @@ 'term'`, parsed into it) and
// matches(col, 'query') with constant text, read off the SQL AST as probes of the column's index.
import type { Expr } from '../../sql/index.ts';
import type { AnalyzerOptions } from './analyzer.ts';
import type { FulltextQuery } from './fulltext_index.ts';

export interface FulltextProbe {
  column: string;
  query: FulltextQuery;
}

/**
 * Probes for the conjuncts the column indexes can answer. `analyzerOf(column)` gives the analyzer a column's
 * matches() uses (its FULLTEXT options), undefined for a column without a FULLTEXT index.
 */
export function fulltextPredicatesOf(conjuncts: Expr[], analyzerOf: (column: string) => AnalyzerOptions | undefined): FulltextProbe[] {
  const out: FulltextProbe[] = [];
  for (const e of conjuncts) {
    if (e.type !== 'function' || e.over || e.args.length !== 2) continue;
    const name = e.name[e.name.length - 1]!.value.toLowerCase();
    const [c, q] = e.args as [Expr, Expr];
    if (c.type !== 'column' || q.type !== 'string') continue;
    const column = c.path[c.path.length - 1]!.value;
    const options = analyzerOf(column);
    if (!options) continue;
    if (name === 'matches_term') out.push({ column, query: { kind: 'term', term: q.value } });
    else if (name === 'matches') out.push({ column, query: { kind: 'matches', query: q.value, options } });
  }
  return out;
}
