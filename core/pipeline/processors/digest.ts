// digest: the template of a message: variable parts (numbers, quoted text, brackets, uuids, ips, custom regexes) removed,
// written to <field>_digest, so lines of one kind group together.
import type { Options } from '../config.ts';
import { mapField, needText, type Step } from './common.ts';
import { compileRegex } from './simple.ts';

const PRESETS: Record<string, string> = {
  numbers: String.raw`\d+`,
  quoted: String.raw`"[^"]*"|'[^']*'`,
  bracketed: String.raw`\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|<[^>]*>`,
  uuid: String.raw`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`,
  ip: String.raw`(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?`,
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
