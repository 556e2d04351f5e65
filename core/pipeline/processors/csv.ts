// csv: one CSV record per value into target_fields (separator, quote, trim, empty_value), RFC 4180 quoting.
import type { Options } from '../config.ts';
import { LineFail, mapField, needText, type Step } from './common.ts';

export function splitCsv(text: string, sep: string, quote: string, trim: boolean): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    let field = '';
    // With trim, blanks before an opening quote do not make the field unquoted.
    let q = i;
    if (trim) while (text[q] === ' ' || text[q] === '\t') q++;
    if (quote !== '' && text[q] === quote) {
      i = q;
      i++;
      for (;;) {
        if (i >= n) throw new LineFail('unterminated quoted CSV field');
        if (text[i] === quote) {
          if (text[i + 1] === quote) { field += quote; i += 2; continue; }
          i++;
          break;
        }
        field += text[i++];
      }
      const next = text.indexOf(sep, i);
      const rest = next < 0 ? text.slice(i) : text.slice(i, next);
      if (rest.trim() !== '') throw new LineFail(`text after a closing quote: '${rest}'`);
      out.push(trim ? field.trim() : field);
      if (next < 0) return out;
      i = next + sep.length;
    } else {
      const next = text.indexOf(sep, i);
      field = next < 0 ? text.slice(i) : text.slice(i, next);
      out.push(trim ? field.trim() : field);
      if (next < 0) return out;
      i = next + sep.length;
    }
  }
}

export function csv(o: Options): Step {
  o.only(['field', 'fields', 'ignore_missing', 'separator', 'quote', 'trim', 'target_fields', 'empty_value']);
  const fields = o.fields();
  const ignore = o.bool('ignore_missing', false);
  const sep = o.string('separator', ',');
  const quote = o.string('quote', '"');
  if (sep.length === 0) throw o.error("option 'separator' must not be empty", 'separator');
  if (quote.length > 1) throw o.error("option 'quote' must be one character", 'quote');
  const trim = o.bool('trim', false);
  const targets = o.strings('target_fields', true).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  if (targets.length === 0) throw o.error("option 'target_fields' names no field", 'target_fields');
  const empty = o.has('empty_value') ? o.string('empty_value') : undefined;
  return (ctx) => {
    for (const f of fields) {
      const outs = targets.map((t) => ctx.out(t));
      mapField(ctx, 'csv', f.input, ignore, (v, row) => {
        const vals = splitCsv(needText(v), sep, quote, trim);
        for (let k = 0; k < targets.length; k++) {
          const x = vals[k];
          if (x === undefined || x === '') { if (empty !== undefined) outs[k]![row] = empty; } else outs[k]![row] = x;
        }
        return undefined;
      });
    }
  };
}
