// Byte-slice interning for names and tag values: a repeated value costs a hash and a compare, not a new string.

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** How backslashes in a slice are undone before decoding. */
export const Unescape = {
  /** Measurement, tag key, tag value, field key: `\,` `\ ` `\=` `\\` become the character. */
  Name: 0,
  /** Inside a quoted string field: `\"` and `\\`. */
  Quoted: 1,
} as const;
export type Unescape = (typeof Unescape)[keyof typeof Unescape];

export const HASH_SEED = 0x811c9dc5;
export const HASH_PRIME = 16777619;

let scratch = new Uint8Array(256);

/** Decodes [s, e) as UTF-8 after undoing escapes; undefined when the bytes are not valid UTF-8. */
export function decodeSlice(buf: Uint8Array, s: number, e: number, mode: Unescape, escaped: boolean): string | undefined {
  let src = buf;
  if (escaped) {
    if (scratch.length < e - s) scratch = new Uint8Array(2 * (e - s));
    let j = 0;
    for (let i = s; i < e; i++) {
      const b = buf[i]!;
      if (b === 92 && i + 1 < e) {
        const n = buf[i + 1]!;
        if (n === 92 || (mode === Unescape.Name ? n === 44 || n === 32 || n === 61 : n === 34)) {
          scratch[j++] = n;
          i++;
          continue;
        }
      }
      scratch[j++] = b;
    }
    src = scratch;
    s = 0;
    e = j;
  }
  let ascii = true;
  if (e - s <= 24) {
    for (let i = s; i < e; i++) if (src[i]! >= 0x80) ascii = false;
    if (ascii) {
      let out = '';
      for (let i = s; i < e; i++) out += String.fromCharCode(src[i]!);
      return out;
    }
  }
  try {
    return utf8.decode(src.subarray(s, e));
  } catch {
    return undefined;
  }
}

/** Open-addressing table from raw byte slices to ids of their decoded strings, for one parse. */
export class Interner {
  /** Every distinct string seen, by id. */
  readonly strs: string[] = [];
  private slots = new Int32Array(1024);
  private mask = 1023;
  // Per hashed entry: its hash, a copy of its raw bytes and its string id.
  private hashes: number[] = [];
  private keys: Uint8Array[] = [];
  private ids: number[] = [];

  /** Returns the id of the string for raw bytes [s, e); -1 when they are not valid UTF-8. */
  id(buf: Uint8Array, s: number, e: number, mode: Unescape): number {
    let h = HASH_SEED ^ mode;
    let escaped = false;
    for (let i = s; i < e; i++) {
      const b = buf[i]!;
      if (b === 92) escaped = true;
      h = Math.imul(h ^ b, HASH_PRIME);
    }
    return this.idHashed(buf, s, e, mode, h, escaped);
  }

  /** id() for a caller that hashed the bytes while scanning them (HASH_SEED ^ mode, then FNV-1a). */
  idHashed(buf: Uint8Array, s: number, e: number, mode: Unescape, h: number, escaped: boolean): number {
    const len = e - s;
    const mask = this.mask;
    let k = h & mask;
    for (;;) {
      const slot = this.slots[k]!;
      if (slot === 0) break;
      const entry = slot - 1;
      if (this.hashes[entry] === h) {
        const key = this.keys[entry]!;
        if (key.length === len && sameBytes(buf, s, key)) return this.ids[entry]!;
      }
      k = (k + 1) & mask;
    }
    const str = decodeSlice(buf, s, e, mode, escaped);
    if (str === undefined) return -1;
    const id = this.add(str);
    this.hashes.push(h);
    this.keys.push(buf.slice(s, e));
    this.ids.push(id);
    this.slots[k] = this.hashes.length;
    if (this.hashes.length * 2 > mask) this.grow();
    return id;
  }

  /** Like id() but returns the string itself. */
  get(buf: Uint8Array, s: number, e: number, mode: Unescape): string | undefined {
    const id = this.id(buf, s, e, mode);
    return id < 0 ? undefined : this.strs[id];
  }

  /** An id for a string not worth interning (a long log line): no hash slot, no key copy. */
  add(str: string): number {
    this.strs.push(str);
    return this.strs.length - 1;
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let entry = 0; entry < this.hashes.length; entry++) {
      let k = this.hashes[entry]! & mask;
      while (slots[k] !== 0) k = (k + 1) & mask;
      slots[k] = entry + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** True when buf[s, s + key.length) equals key (the caller checked the length). */
export function sameBytes(buf: Uint8Array, s: number, key: Uint8Array): boolean {
  for (let i = 0; i < key.length; i++) if (buf[s + i] !== key[i]) return false;
  return true;
}
