// One column of a result as the text of each cell, for JSON and CSV: a loop per column over its typed array.
import type { Interval, Vec } from '../vector.ts';
import { dictOf } from '../vector.ts';
import { formatInterval, formatTimestamp } from '../expr/time.ts';
import { floatCsv, floatJson, int64Text, numStore, tsText, words } from './digits.ts';
import { listText } from './table.ts';
import { exactJson } from './exact_json.ts';

export type CellMode = 'json' | 'csv';

const NULL_TEXT: Record<CellMode, string> = { json: 'null', csv: '' };

/** RFC 4180 quoting; an empty string is quoted so it reads back apart from NULL (an empty cell). */
export function csvQuote(s: string): string {
  return s === '' || /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function stringCell(s: string, mode: CellMode): string {
  return mode === 'json' ? JSON.stringify(s) : csvQuote(s);
}

/** Cell texts of column c (n rows). Integers and timestamps keep every digit; floats print as JSON/JS numbers do. */
export function columnTexts(c: Vec, n: number, mode: CellMode): string[] {
  const out = new Array<string>(n);
  const nul = NULL_TEXT[mode];
  switch (c.kind) {
    case 'num': {
      const s = numStore(c);
      const valid = c.valid;
      if (s.kind === 'f64') {
        const fmt = mode === 'json' ? floatJson : floatCsv;
        for (let i = 0; i < n; i++) out[i] = valid !== null && valid[i] === 0 ? nul : fmt(s.v[i]!);
      } else {
        const unsigned = s.kind === 'u64';
        for (let i = 0; i < n; i++) out[i] = valid !== null && valid[i] === 0 ? nul : int64Text(s.w, i, unsigned, s.v);
      }
      return out;
    }
    case 'ts': {
      const valid = c.valid;
      if (c.dt === 'Date') {
        for (let i = 0; i < n; i++) out[i] = valid !== null && valid[i] === 0 ? nul : stringCell(formatTimestamp(c.v[i]!).slice(0, 10), mode);
        return out;
      }
      const w = words(c.v);
      for (let i = 0; i < n; i++) out[i] = valid !== null && valid[i] === 0 ? nul : tsText(c, w, i);
      return out;
    }
    case 'bool': {
      const valid = c.valid;
      for (let i = 0; i < n; i++) out[i] = valid !== null && valid[i] === 0 ? nul : c.v[i] === 1 ? 'true' : 'false';
      return out;
    }
    case 'str': {
      const d = dictOf(c);
      if (d) {
        // Each distinct string is escaped once.
        const texts = d.dict.map((s) => (s === null ? nul : stringCell(s, mode)));
        for (let i = 0; i < n; i++) { const k = d.codes[i]!; out[i] = k < 0 ? nul : texts[k]!; }
        return out;
      }
      for (let i = 0; i < n; i++) { const s = c.v[i]; out[i] = s === null || s === undefined ? nul : stringCell(s, mode); }
      return out;
    }
    case 'any': {
      for (let i = 0; i < n; i++) {
        const x = c.v[i];
        if (x === null || x === undefined) out[i] = nul;
        else if (c.dt === 'Interval') out[i] = stringCell(formatInterval(x as Interval), mode);
        else if (c.dt === 'List') out[i] = stringCell(listText(x as unknown[]), mode);
        else out[i] = mode === 'json' ? exactJson(x) : csvQuote(typeof x === 'string' ? x : exactJson(x));
      }
      return out;
    }
  }
}
