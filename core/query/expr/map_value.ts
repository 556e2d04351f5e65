// The value of one row of a Map column (DataFusion's map(): keys unique and not NULL, in the order given), and the
// Arrow display text of nested values (lists, structs, maps) the output formats share.

/** One map: parallel keys and values, the keys unique and never NULL. */
export class SqlMap {
  constructor(readonly keys: unknown[], readonly values: unknown[]) {}

  /** The position of a key, -1 when absent (numbers of either JS type meet by value). */
  find(key: unknown): number {
    const k = mapKey(key);
    for (let i = 0; i < this.keys.length; i++) if (mapKey(this.keys[i]) === k) return i;
    return -1;
  }

  /** Arrow's display of a map: `{a: 1, b: }` (a NULL value prints empty). */
  toString(): string {
    return `{${this.keys.map((k, i) => `${nestedText(k)}: ${nestedText(this.values[i])}`).join(', ')}}`;
  }

  /** JSON output: an object keyed by each key's text. */
  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    this.keys.forEach((k, i) => (o[nestedText(k)] = this.values[i] ?? null));
    return o;
  }
}

/** A key's identity: its type family and value (1 and 1n are one key; '1' is another). */
export function mapKey(x: unknown): string {
  if (typeof x === 'number' || typeof x === 'bigint') return `n:${String(x)}`;
  if (x instanceof SqlMap || Array.isArray(x) || (x !== null && typeof x === 'object')) return `o:${nestedText(x)}`;
  return `${typeof x}:${String(x)}`;
}

/** A nested value as Arrow displays it: lists `[1, 2]`, structs `{a: 1}`, maps `{k: v}`, NULL empty. */
export function nestedText(x: unknown): string {
  if (x === null || x === undefined) return '';
  if (Array.isArray(x)) return `[${x.map(nestedText).join(', ')}]`;
  if (x instanceof SqlMap) return x.toString();
  if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) return `{${Object.entries(x as Record<string, unknown>).map(([k, v]) => `${k}: ${nestedText(v)}`).join(', ')}}`;
  return String(x);
}
