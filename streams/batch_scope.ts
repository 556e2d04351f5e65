// Reads the columns of a WriteBatch by the slot numbers of a plan's row expressions (int64 widens to number).
import { timeColumn } from '../core/index.ts';
import type { Column, WriteBatch } from '../core/index.ts';
import type { FlowValue, RowScope } from './types.ts';

const enum Kind { Missing, Number, BigNumber, Timestamp, Str, Dict, Bool }

export class BatchScope implements RowScope {
  private cols: (Column | null)[] = [];
  private kinds: Kind[] = [];

  constructor(private readonly names: string[]) {}

  bind(batch: WriteBatch): this {
    this.cols = this.names.map((n) => {
      if (n === '$time') return timeColumn(batch);
      return batch.columns.find((c) => c.name === n) ?? batch.columns.find((c) => c.name.toLowerCase() === n.toLowerCase()) ?? null;
    });
    this.kinds = this.cols.map((c) => {
      if (!c) return Kind.Missing;
      if (c.dict) return Kind.Dict;
      switch (c.type) {
        case 'float64': return Kind.Number;
        case 'int64': case 'uint64': return Kind.BigNumber;
        case 'timestamp': return Kind.Timestamp;
        case 'boolean': return Kind.Bool;
        case 'string': return Kind.Str;
      }
      return Kind.Missing;
    });
    return this;
  }

  get(slot: number, row: number): FlowValue {
    const c = this.cols[slot];
    if (!c || (c.valid !== null && c.valid[row] === 0)) return null;
    switch (this.kinds[slot]) {
      case Kind.Number: return (c.values as Float64Array)[row]!;
      case Kind.BigNumber: return Number((c.values as BigInt64Array)[row]!);
      case Kind.Timestamp: return (c.values as BigInt64Array)[row]!;
      case Kind.Str: return (c.values as (string | null)[])[row] ?? null;
      case Kind.Dict: return c.dict![(c.values as Int32Array)[row]!] ?? null;
      case Kind.Bool: return (c.values as Uint8Array)[row] === 1;
      default: return null;
    }
  }
}

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
