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

/** `sql` with PostgreSQL-only spellings rewritten; unchanged when it has none. */
export function normalizePgSql(sql: string): string {
  let text = sql;
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
