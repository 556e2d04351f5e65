// Row identity of a WriteBatch (tags + time index). The batch's columns reach expressions through streams/core_eval.ts.
import { timeColumn } from '../core/index.ts';
import type { WriteBatch } from '../core/index.ts';

/**
 * The identity of each row as the table stores it: tag values (sorted by column name, NULL tags left out)
 * and the time index. Two rows with the same key overwrite each other (last write wins).
 */
export function rowKeys(batch: WriteBatch): string[] {
  const tags = batch.columns.filter((c) => c.semantic === 'tag').sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const ts = timeColumn(batch).values as BigInt64Array;
  const out = new Array<string>(batch.rows);
  const only = tags.length === 1 ? tags[0]! : null;
  if (only && only.dict) {
    // One dictionary tag (the common line-protocol shape): build each distinct prefix once.
    const codes = only.values as Int32Array;
    const prefix: (string | undefined)[] = new Array(only.dict.length);
    for (let i = 0; i < batch.rows; i++) {
      if (only.valid !== null && only.valid[i] === 0) { out[i] = String(ts[i]!); continue; }
      const code = codes[i]!;
      let p = prefix[code];
      if (p === undefined) {
        const v = only.dict[code];
        p = prefix[code] = v === null || v === undefined ? '' : only.name + '=' + v + '\u0000';
      }
      out[i] = p + ts[i]!;
    }
    return out;
  }
  for (let i = 0; i < batch.rows; i++) {
    let k = '';
    for (const c of tags) {
      if (c.valid !== null && c.valid[i] === 0) continue;
      const v = c.dict ? c.dict[(c.values as Int32Array)[i]!] : c.values[i];
      if (v === null || v === undefined) continue;
      k += c.name + '=' + String(v) + '\u0000';
    }
    out[i] = k + ts[i]!;
  }
  return out;
}
