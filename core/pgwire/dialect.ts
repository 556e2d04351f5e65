// PostgreSQL spellings that clients' catalog queries use and EddyDB's GreptimeDB parser does not take, rewritten
// to ones it does (outside literals and comments): OPERATOR(pg_catalog.~), COLLATE, pg_catalog.-qualified types and
// the reg* / oid casts.
import { maskNonCode } from './split.ts';

interface Rule { re: RegExp; to: (m: RegExpExecArray, text: string) => string }

const OID_TYPES = 'regclass|regtype|regproc|regprocedure|regnamespace|regrole|regoper|oid';
const OPERAND = String.raw`('(?:[^']|'')*'|[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*|\d+)`;

/** The catalog and name column an OID type's text names an object by. */
const LOOKUP: Record<string, [string, string]> = {
  regclass: ['pg_class', 'relname'], regtype: ['pg_type', 'typname'], regnamespace: ['pg_namespace', 'nspname'], regrole: ['pg_roles', 'rolname'],
  regproc: ['pg_proc', 'proname'], regprocedure: ['pg_proc', 'proname'],
};

const RULES: Rule[] = [
  { re: /\bOPERATOR\s*\(\s*(?:pg_catalog\s*\.\s*)?([~!<>=+\-*/%^|&@#]+)\s*\)/gi, to: (m) => ` ${m[1]} ` },
  { re: /\bCOLLATE\s+(?:pg_catalog\s*\.\s*)?(?:"[^"]*"|[A-Za-z_]\w*)/gi, to: () => '' },
  // 'cpu'::regclass is the relation's OID, looked up by name; an OID already (a number, a column) stays a number
  { re: new RegExp(String.raw`${OPERAND}\s*::\s*(?:pg_catalog\s*\.\s*)?(${OID_TYPES})\b(\s*::\s*(?:pg_catalog\s*\.\s*)?(?:text|name|varchar))?`, 'gi'), to: (m) => {
    const kind = m[2]!.toLowerCase();
    const operand = m[1]!;
    const lookup = LOOKUP[kind];
    if (operand.startsWith("'") && lookup && !/^'\d+'$/.test(operand)) {
      const name = operand.slice(1, -1).replace(/''/g, "'").split('.').pop()!.replace(/^"(.*)"$/, '$1');
      return `(SELECT ${m[3] ? lookup[1] : 'oid'} FROM pg_catalog.${lookup[0]} WHERE ${lookup[1]} = '${name.replace(/'/g, "''")}' LIMIT 1)`;
    }
    return `CAST(${operand} AS BIGINT)${m[3] ? '::text' : ''}`;
  } },
  { re: /::\s*pg_catalog\s*\.\s*("?)(\w+)\1/gi, to: (m) => `::${m[2]}` },
  { re: /::\s*(?:"char"|name)\b/gi, to: () => '::text' },
];

/**
 * Correlated scalar subqueries of psql's `\d` column query, which EddyDB's executor does not run: the default
 * expression becomes a LEFT JOIN of pg_attrdef, the per-column collation (EddyDB has none) NULL.
 */
const PSQL_SHAPES: [RegExp, string][] = [
  [/\(\s*SELECT\s+pg_catalog\.pg_get_expr\(d\.adbin,\s*d\.adrelid(?:,\s*true)?\)\s+FROM\s+pg_catalog\.pg_attrdef\s+d\s+WHERE\s+d\.adrelid\s*=\s*a\.attrelid\s+AND\s+d\.adnum\s*=\s*a\.attnum\s+AND\s+a\.atthasdef\s*\)([\s\S]*?FROM\s+pg_catalog\.pg_attribute\s+a)\b/i,
    'd.adbin$1 LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum'],
  // publication column lists (a correlated subquery over generate_series), over pg_publication_rel, which is empty
  [/\(CASE\s+WHEN\s+pr\.prattrs\s+IS\s+NOT\s+NULL\s+THEN[\s\S]*?ELSE\s+NULL\s+END\)/i, 'NULL'],
  [/\(\s*SELECT\s+c\.collname\s+FROM\s+pg_catalog\.pg_collation\s+c,\s*pg_catalog\.pg_type\s+t\s+WHERE\s+c\.oid\s*=\s*a\.attcollation\s+AND\s+t\.oid\s*=\s*a\.atttypid\s+AND\s+a\.attcollation\s*<>\s*t\.typcollation\s*\)/i, 'NULL'],
];

/**
 * ARRAY(subquery) constructors: psql builds lists of role and publication names with them, over catalogs that are
 * empty in EddyDB; the parser has no array constructor, so the value is NULL.
 */
function arraySubqueries(text: string): string {
  const masked = maskNonCode(text);
  const re = /\barray\s*\(\s*select\b/gi;
  let out = '';
  let at = 0;
  for (let m = re.exec(masked); m; m = re.exec(masked)) {
    let depth = 0;
    let end = masked.indexOf('(', m.index);
    for (; end < masked.length; end++) {
      if (masked[end] === '(') depth++;
      else if (masked[end] === ')' && --depth === 0) break;
    }
    out += text.slice(at, m.index) + 'NULL';
    at = end + 1;
    re.lastIndex = at;
  }
  return out + text.slice(at);
}

/** `x = ANY(array)` with a literal or column on the left: pg_catalog.pg_any_eq(x, array). */
function anyComparisons(text: string): string {
  const masked = maskNonCode(text);
  const re = new RegExp(String.raw`${OPERAND}\s*=\s*any\s*\(`, 'gi');
  let out = '';
  let at = 0;
  for (let m = re.exec(masked); m; m = re.exec(masked)) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let end = open;
    for (; end < masked.length; end++) {
      if (masked[end] === '(') depth++;
      else if (masked[end] === ')' && --depth === 0) break;
    }
    const left = text.slice(m.index, m.index + m[1]!.length);
    out += `${text.slice(at, m.index)}pg_catalog.pg_any_eq(${left}, ${text.slice(open + 1, end)})`;
    at = end + 1;
    re.lastIndex = at;
  }
  return out + text.slice(at);
}

/** `sql` with PostgreSQL-only spellings rewritten; unchanged when it has none. */
export function normalizePgSql(sql: string): string {
  let text = sql;
  for (const [re, to] of PSQL_SHAPES) text = text.replace(re, to);
  if (/\barray\s*\(/i.test(text)) text = arraySubqueries(text);
  if (/=\s*any\s*\(/i.test(text)) text = anyComparisons(text);
  for (const rule of RULES) {
    const masked = maskNonCode(text);
    rule.re.lastIndex = 0;
    let out = '';
    let at = 0;
    for (let m = rule.re.exec(masked); m; m = rule.re.exec(masked)) {
      // match on the masked text, but take the operands from the original (literals are blanked in the mask)
      const orig = new RegExp(rule.re.source, rule.re.flags.replace('g', '') + 'y');
      orig.lastIndex = m.index;
      const om = orig.exec(text) ?? m;
      out += text.slice(at, m.index) + rule.to(om, text);
      at = m.index + m[0].length;
      if (m[0].length === 0) rule.re.lastIndex++;
    }
    text = out + text.slice(at);
  }
  return text;
}
