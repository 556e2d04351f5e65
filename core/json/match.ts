// json_path_match: a JSONPath predicate (`$.a == 1`, `$.tags[*] == "x" && $.n > 2`, `exists($.a ? (@ > 3))`) over a
// stored JSON value; the grammar is path.ts's. Root paths read only the values they name from the stored form.
import { decodeJsonb } from './jsonb.ts';
import { jsonbSelect, parsePredicate, predicateHolds, selectValues, type Operand, type Pred } from './path.ts';

const cache = new Map<string, Pred>();

/** Compiles a predicate once per text (cached); throws JsonPathError naming the offset of a fault. */
export function compileMatch(text: string): Pred {
  const hit = cache.get(text);
  if (hit) return hit;
  const p = parsePredicate(text);
  if (cache.size > 1000) cache.clear();
  cache.set(text, p);
  return p;
}

export function jsonPathMatch(s: string, predicate: string): boolean {
  const pred = compileMatch(predicate);
  let doc: unknown;
  const root = () => (doc ??= decodeJsonb(s));
  const values = (o: Operand, cur: unknown): unknown[] => {
    if ('lit' in o) return [o.lit];
    // At the top, `@` is the root too; a root path is read from the stored form.
    if (!o.rel || cur === ROOT) return jsonbSelect(s, o.path).map((p) => decodeJsonb(s, p));
    return selectValues(cur, o.path, 0, [], root);
  };
  return predicateHolds(pred, ROOT, root, values);
}

const ROOT = Symbol('root');
