// regex: named groups of one or more patterns become fields named <field>_<group> (GreptimeDB's naming).
import type { Options } from '../config.ts';
import { LineFail, mapField, needText, type Step } from './common.ts';
import { compileRegex } from './simple.ts';

export function regex(o: Options): Step {
  o.only(['field', 'fields', 'ignore_missing', 'patterns', 'pattern']);
  const fields = o.fields();
  const ignore = o.bool('ignore_missing', false);
  const key = o.has('patterns') ? 'patterns' : 'pattern';
  const sources = o.strings(key, true);
  if (sources.length === 0) throw o.error("option 'patterns' needs at least one pattern", key);
  const res = sources.map((p) => {
    const re = compileRegex(o, p, key);
    const groups = [...p.matchAll(/\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
    if (groups.length === 0) throw o.error(`pattern '${p}' has no named group: write (?<name>...)`, key);
    return { re, groups };
  });
  return (ctx) => {
    for (const f of fields) {
      const outs = res.map((r) => r.groups.map((g) => ctx.out(`${f.output}_${g}`)));
      mapField(ctx, 'regex', f.input, ignore, (v, row) => {
        const text = needText(v);
        let matched = false;
        for (let k = 0; k < res.length; k++) {
          const m = res[k]!.re.exec(text);
          if (!m || !m.groups) continue;
          matched = true;
          const gs = res[k]!.groups;
          for (let g = 0; g < gs.length; g++) {
            const val = m.groups[gs[g]!];
            if (val !== undefined) outs[k]![g]![row] = val;
          }
        }
        if (!matched) throw new LineFail(`no regex pattern matches '${text.length > 120 ? text.slice(0, 120) + '...' : text}'`);
        return undefined;
      });
    }
  };
}
