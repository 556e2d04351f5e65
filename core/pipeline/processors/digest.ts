// digest: the template of a message: variable parts (numbers, quoted text, brackets, uuids, ips, custom regexes) removed,
// written to <field>_digest, so lines of one kind group together.
import type { Options } from '../config.ts';
import { mapField, needText, type Step } from './common.ts';
import { compileRegex } from './simple.ts';

/** Text between an opening and its closing mark, for each pair. */
const pairs = (p: string[]): string => p.map((two) => { const [a, b] = [...two].map((c) => c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')); return `${a}[^${b}]*${b}`; }).join('|');
const H = '[0-9a-fA-F]{1,4}';
const PRESETS: Record<string, string> = {
  numbers: String.raw`\d+`,
  // ASCII quotes and the Unicode ones: curly, guillemets, low-9, CJK corner brackets
  quoted: pairs(['""', "''", '`' + '`', '\u201c\u201d', '\u2018\u2019', '\u00ab\u00bb', '\u2039\u203a', '\u201e\u201c', '\u201a\u2018', '\u300c\u300d', '\u300e\u300f']),
  // ASCII brackets and the Unicode ones: fullwidth, CJK, mathematical angle
  bracketed: pairs(['[]', '()', '{}', '<>', '\uff08\uff09', '\uff3b\uff3d', '\uff5b\uff5d', '\u3010\u3011', '\u300a\u300b', '\u3008\u3009', '\u3014\u3015', '\u27e8\u27e9']),
  uuid: String.raw`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`,
  // IPv4 with an optional port; IPv6 full or '::'-compressed with two groups at least (optionally [bracketed] with a port)
  ip: String.raw`(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?|\[?(?:(?:${H}:){7}${H}|(?:${H}:){1,6}(?::${H}){1,6}|::${H}(?::${H}){0,5})\]?(?::\d+)?`,
};
// Longer, more specific forms first, so an ip is not eaten as four numbers.
const PRESET_ORDER = ['uuid', 'ip', 'quoted', 'bracketed', 'numbers'];

export function digest(o: Options): Step {
  o.only(['field', 'fields', 'ignore_missing', 'presets', 'regex']);
  const fields = o.fields();
  const ignore = o.bool('ignore_missing', false);
  const presets = o.strings('presets').map((p) => p.toLowerCase());
  for (const p of presets) if (!PRESETS[p]) throw o.error(`unknown preset '${p}' (known: ${Object.keys(PRESETS).join(', ')})`, 'presets');
  const custom = o.strings('regex');
  if (presets.length === 0 && custom.length === 0) throw o.error("give 'presets' or 'regex'", 'presets');
  for (const r of custom) compileRegex(o, r, 'regex');
  const alternatives = [...PRESET_ORDER.filter((p) => presets.includes(p)).map((p) => PRESETS[p]!), ...custom];
  const re = compileRegex(o, alternatives.map((a) => `(?:${a})`).join('|'), 'regex', 'g');
  return (ctx) => {
    for (const f of fields) mapField(ctx, 'digest', f.input, ignore, (v) => needText(v).replace(re, ''), ctx.out(`${f.output}_digest`));
  };
}
