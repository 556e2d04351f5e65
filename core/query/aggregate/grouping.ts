// Hash grouping: each row's group keys to a dense group id, in order of first appearance, and rows listed per group.
import { valueKey } from '../expr/eval.ts';
import type { Vec } from '../vector.ts';
import { dictOf, isNull, tsOffsetsOf } from '../vector.ts';
import { keyAt } from './common.ts';
import { int64Offsets } from '../int64.ts';
import type { ScratchPool } from '../../scratch.ts';

export interface Groups {
  ids: Int32Array;
  count: number;
  /** First row of each group, to read the group keys back. */
  first: Int32Array;
}

/**
 * Assigns each row a dense group id (in order of first appearance); with no keys every row is group 0 and there is
 * always one group. With `scratch` the ids (and the key codes of several keys) are carved from it, every row written, and
 * live until its next reset.
 */
export function groupRows(keys: Vec[], n: number, scratch?: ScratchPool): Groups {
  const ids = scratch ? scratch.i32(n) : new Int32Array(n);
  if (keys.length === 0) return { ids: scratch ? ids.fill(0) : ids, count: 1, first: new Int32Array(1) };
  if (keys.length === 1) {
    const firsts: number[] = [];
    const card = keyCodes(keys[0]!, n, ids, firsts);
    return { ids, count: card, first: Int32Array.from(firsts) };
  }
  if (keys.some((k) => k.kind === 'any')) return groupByText(keys, n, ids);
  const fused = keys.length === 2 ? fusedPair(keys[0]!, keys[1]!, n, ids) : null;
  if (fused) return fused;
  // Each key column coded to dense ints, the codes combined into one number per row, that number
  // mapped to a group id (a lookup table when the code space is small, else a Map).
  // the first key's codes are written straight into ids (one array less)
  const codes: Int32Array[] = [];
  const cards: number[] = [];
  let space = 1;
  for (const k of keys) {
    const c = codes.length === 0 ? ids : scratch ? scratch.i32(n) : new Int32Array(n);
    const card = keyCodes(k, n, c, null);
    codes.push(c);
    cards.push(card);
    space *= card;
  }
  if (space > Number.MAX_SAFE_INTEGER) return groupByText(keys, n, ids);
  const firsts: number[] = [];
  if (space <= 4 * n + 4096) {
    // a small code space: the combined code is an int32 (built in `ids` over the first key's codes, a typed array
    // indexed by an integer-valued double takes V8's slow generic path) and indexes a table; rows come in runs of one
    // key (scans are ordered by series and time), so a run reuses the previous row's id
    for (let j = 1; j < codes.length; j++) {
      const c = codes[j]!, card = cards[j]!;
      for (let i = 0; i < n; i++) ids[i] = ids[i]! * card + c[i]!;
    }
    numberByTable(ids, space, n, firsts);
  } else {
    const combined = scratch ? scratch.f64(n).fill(0) : new Float64Array(n);
    for (let j = 0; j < codes.length; j++) {
      const c = codes[j]!, card = cards[j]!;
      for (let i = 0; i < n; i++) combined[i] = combined[i]! * card + c[i]!;
    }
    const map = new Map<number, number>();
    let prev = -1, prevId = -1;
    for (let i = 0; i < n; i++) {
      const key = combined[i]!;
      if (key === prev) { ids[i] = prevId; continue; }
      let id = map.get(key);
      if (id === undefined) { id = firsts.length; map.set(key, id); firsts.push(i); }
      ids[i] = id;
      prev = key;
      prevId = id;
    }
  }
  return { ids, count: firsts.length, first: Int32Array.from(firsts) };
}

/**
 * A key whose rows map to small integers without a pass of their own: a dictionary-coded string (its code, equal
 * strings under two codes merged through `canon`; null is slot `card - 1`) or date_bin's buckets kept as offsets
 * (the bucket number; null is slot `card - 1`).
 */
type Dense =
  | { dict: true; codes: Int32Array; canon: Int32Array; card: number }
  | { dict: false; off: Float64Array; min: number; step: number; valid: Uint8Array | null; card: number };

function denseOf(k: Vec, n: number): Dense | null {
  const d = dictOf(k);
  if (d) {
    const nullSlot = d.dict.length;
    const canon = new Int32Array(d.dict.length + 1);
    const first = new Map<string, number>();
    for (let c = 0; c < d.dict.length; c++) {
      const v = d.dict[c];
      if (v === null || v === undefined) { canon[c] = nullSlot; continue; }
      const at = first.get(v);
      if (at === undefined) first.set(v, c);
      canon[c] = at ?? c;
    }
    canon[nullSlot] = nullSlot;
    return { dict: true, codes: d.codes, canon, card: nullSlot + 1 };
  }
  if (k.kind !== 'ts') return null;
  const o = tsOffsetsOf(k);
  if (!o?.step) return null;
  const slots = (o.step.max - o.step.min) / o.step.size + 1;
  return slots < 4 * n + 4096 ? { dict: false, off: o.off, min: o.step.min, step: o.step.size, valid: k.valid, card: slots + 1 } : null;
}

function denseAt(d: Dense, i: number): number {
  if (d.dict) { const c = d.codes[i]!; return d.canon[c < 0 ? d.card - 1 : c]!; }
  return d.valid !== null && d.valid[i] === 0 ? d.card - 1 : (d.off[i]! - d.min) / d.step;
}

/**
 * Two keys that are each dictionary codes or date_bin buckets (GROUP BY hour, host): each row's pair of small
 * integers is combined into one key in place, without a code array (and its pass) per key. Null when the keys are of
 * other kinds or their product of slots is too large for a table. Group ids come in order of first appearance, as
 * the per-key path numbers them.
 */
function fusedPair(k0: Vec, k1: Vec, n: number, ids: Int32Array): Groups | null {
  const a = denseOf(k0, n), b = denseOf(k1, n);
  if (!a || !b || a.card * b.card > 4 * n + 4096) return null;
  const cb = b.card;
  if (!a.dict && b.dict) bucketsByCodes(a, b, n, ids);
  else for (let i = 0; i < n; i++) ids[i] = denseAt(a, i) * cb + denseAt(b, i);
  const firsts: number[] = [];
  numberByTable(ids, a.card * cb, n, firsts);
  return { ids, count: firsts.length, first: Int32Array.from(firsts) };
}

/**
 * fusedPair's loop for (date_bin bucket, dictionary code), GROUP BY hour, host: one monomorphic pass; a row whose
 * bucket offset and code equal the previous row's (rows come in runs of one series, in time order) reuses its key.
 */
function bucketsByCodes(a: Extract<Dense, { dict: false }>, b: Extract<Dense, { dict: true }>, n: number, ids: Int32Array): void {
  const { off, min, step, valid } = a;
  const nullA = a.card - 1, nullB = b.card - 1, cb = b.card;
  const { codes, canon } = b;
  let po = NaN, pc = -2, pk = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (valid !== null && valid[i] === 0) { ids[i] = nullA * cb + canon[c < 0 ? nullB : c]!; pc = -2; continue; }
    const o = off[i]!;
    if (o === po && c === pc) { ids[i] = pk; continue; }
    pk = ((o - min) / step) * cb + canon[c < 0 ? nullB : c]!;
    ids[i] = pk;
    po = o;
    pc = c;
  }
}

/**
 * Replaces each row's key in `ids` (an int in [0, space)) by its group id, numbered in order of first appearance
 * (each group's first row pushed on `firsts`) through a table; rows come in runs of one key (scans are ordered by
 * series and time), so a run reuses the previous row's id.
 */
function numberByTable(ids: Int32Array, space: number, n: number, firsts: number[]): void {
  const table = new Int32Array(space).fill(-1);
  let prev = -1, prevId = -1;
  for (let i = 0; i < n; i++) {
    const key = ids[i]!;
    if (key === prev) { ids[i] = prevId; continue; }
    let id = table[key]!;
    if (id < 0) { id = firsts.length; table[key] = id; firsts.push(i); }
    ids[i] = id;
    prev = key;
    prevId = id;
  }
}

/**
 * Dense codes of one key column's values (null is a value), in order of first appearance, into
 * `out`; returns how many distinct values. Rows usually arrive in runs of equal keys (scans are
 * ordered by series and time), so a run reuses the previous row's code without a Map lookup.
 */
function keyCodes(k: Vec, n: number, out: Int32Array, firsts: number[] | null): number {
  const d = dictOf(k);
  if (d) return dictKeyCodes(d.codes, d.dict, n, out, firsts);
  const map = new Map<unknown, number>();
  // int64 keys beyond 2^53 are told apart by their exact values (bigints compare by value as Map keys); timestamps
  // by their exact offsets from the first one when the span allows (no BigInt per row)
  const offsets = k.kind === 'ts' ? tsOffsetsOf(k) ?? int64Offsets(k.v, k.valid) : null;
  if (k.kind === 'ts' && offsets?.step && (offsets.step.max - offsets.step.min) / offsets.step.size < 4 * n + 4096) {
    return stepKeyCodes(offsets.off, offsets.step.size, offsets.step.min, (offsets.step.max - offsets.step.min) / offsets.step.size + 1, k.valid, n, out, firsts);
  }
  if (k.kind === 'ts' && offsets) return doubleKeyCodes(offsets.off, k.valid, n, out, firsts);
  if (k.kind === 'num' && !k.big && !k.dec) return doubleKeyCodes(k.v, k.valid, n, out, firsts);
  // objects (intervals, lists) by their contents: two equal intervals are one group; a wide decimal by its unscaled
  // integers (one scale per column), which tell apart values a double cannot
  const vals = (k.kind === 'num' && (k.big || k.dec) ? k.big ?? k.dec! : k.kind === 'any' && k.v.some((x) => x !== null && typeof x === 'object') ? k.v.map((x) => (x === null || x === undefined ? null : valueKey(x))) : k.v) as ArrayLike<unknown>;
  const valid = k.kind === 'str' || k.kind === 'any' ? null : k.valid;
  const nullable = k.kind === 'str' || k.kind === 'any';
  let prev: unknown = undefined, prevCode = -1;
  for (let i = 0; i < n; i++) {
    let v = valid !== null && valid[i] === 0 ? null : vals[i];
    if (nullable && v === undefined) v = null;
    if (prevCode >= 0 && v === prev) { out[i] = prevCode; continue; }
    let c = map.get(v);
    if (c === undefined) { c = map.size; map.set(v, c); if (firsts) firsts.push(i); }
    out[i] = c;
    prev = v;
    prevCode = c;
  }
  return map.size;
}

/**
 * keyCodes of doubles (a number column, or timestamps as exact offsets): one monomorphic loop over the typed array;
 * NaN is one value (as SQL groups it), -0 and 0 one value (as a Map keys them), null (invalid) another.
 */
function doubleKeyCodes(vals: Float64Array, valid: Uint8Array | null, n: number, out: Int32Array, firsts: number[] | null): number {
  const map = new Map<number, number>();
  let next = 0, nullCode = -1, prev = 0, prevCode = -1;
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) {
      if (nullCode < 0) { nullCode = next++; if (firsts) firsts.push(i); }
      out[i] = nullCode;
      prevCode = -1;
      continue;
    }
    const v = vals[i]!;
    if (prevCode >= 0 && v === prev) { out[i] = prevCode; continue; }
    let c = map.get(v);
    if (c === undefined) { c = next++; map.set(v, c); if (firsts) firsts.push(i); }
    out[i] = c;
    prev = v;
    prevCode = c;
  }
  return next;
}

/**
 * keyCodes of whole multiples of `step` in [min, min + (slots - 1) * step] (date_bin's buckets as offsets): the bucket
 * number indexes a table, no hashing per row; null (invalid) is slot `slots`.
 */
function stepKeyCodes(vals: Float64Array, step: number, min: number, slots: number, valid: Uint8Array | null, n: number, out: Int32Array, firsts: number[] | null): number {
  const byslot = new Int32Array(slots + 1).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const slot = valid !== null && valid[i] === 0 ? slots : (vals[i]! - min) / step;
    let c = byslot[slot]!;
    if (c < 0) { c = next++; byslot[slot] = c; if (firsts) firsts.push(i); }
    out[i] = c;
  }
  return next;
}

/** keyCodes of a dictionary-coded string key: a table from dictionary code to group code, no hashing per row. */
function dictKeyCodes(codes: Int32Array, dict: (string | null)[], n: number, out: Int32Array, firsts: number[] | null): number {
  // Slot dict.length stands for null; equal strings under two codes (a merged dictionary) share one group code.
  const byCode = new Int32Array(dict.length + 1).fill(-1);
  const byValue = new Map<string | null, number>();
  let card = 0;
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    const slot = c < 0 ? dict.length : c;
    let g = byCode[slot]!;
    if (g < 0) {
      const value = c < 0 ? null : dict[c] ?? null;
      const seen = byValue.get(value);
      if (seen === undefined) { g = card++; byValue.set(value, g); if (firsts) firsts.push(i); } else g = seen;
      byCode[slot] = g;
    }
    out[i] = g;
  }
  return card;
}

/** Grouping on a text key per row: for key types whose values are objects (lists, intervals). */
function groupByText(keys: Vec[], n: number, ids: Int32Array): Groups {
  const firsts: number[] = [];
  const map = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let s = '';
    for (const k of keys) s += valueKey(isNull(k, i) ? null : keyAt(k, i)) + '\u0001';
    let id = map.get(s);
    if (id === undefined) { id = firsts.length; map.set(s, id); firsts.push(i); }
    ids[i] = id;
  }
  return { ids, count: firsts.length, first: Int32Array.from(firsts) };
}

/** Row indices of each group, in input order (counting sort over ids). */
export function rowsByGroup(g: Groups, mask: Uint8Array | null): { start: Int32Array; rows: Int32Array } {
  const n = g.ids.length;
  const start = new Int32Array(g.count + 1);
  for (let i = 0; i < n; i++) if (!mask || mask[i]) start[g.ids[i]! + 1]!++;
  for (let k = 0; k < g.count; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, g.count);
  const rows = new Int32Array(start[g.count]!);
  for (let i = 0; i < n; i++) if (!mask || mask[i]) rows[fill[g.ids[i]!]!++] = i;
  return { start, rows };
}
