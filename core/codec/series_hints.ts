// Series hints (batch.ts SeriesHint) in bytes, so that a batch sent to another node's region keeps its producer's series numbers.
import { isBatchRows, type BatchPart, type SeriesHint, type WriteBatch } from '../batch.ts';
import { CorruptDataError } from '../errors.ts';

/*
 * Section: per batch, in the order of the batches it goes with: flag:u8 (0: no hint, 1: a hint), then for a hint its
 * source as a float64 (sources are integers below 2^53) and one int32 per row, little-endian. It travels beside a WAL
 * record (wal_batch.ts), never inside one: the WAL keeps no hints, replay interns from the tags.
 */

/** A part's hint, when it has one: a BatchRows part has its batch's numbers at its rows (as `takeRows` copies them). */
function hintOf(p: BatchPart): { h: SeriesHint; pick: Int32Array | null; rows: number } | null {
  if (isBatchRows(p)) return p.of.series !== undefined ? { h: p.of.series, pick: p.rows, rows: p.rows.length } : null;
  return p.series !== undefined && p.series.ids.length === p.rows ? { h: p.series, pick: null, rows: p.rows } : null;
}

/** Bytes of the parts' hints section; 0 when none has a hint (no section is sent then). */
export function seriesHintsSize(bs: readonly BatchPart[]): number {
  let size = 0, any = false;
  for (const p of bs) {
    const x = hintOf(p);
    if (x) any = true;
    size += 1 + (x ? 8 + 4 * x.rows : 0);
  }
  return any ? size : 0;
}

/** Writes the parts' hints section (seriesHintsSize bytes) into `out` at `at`. */
export function writeSeriesHints(bs: readonly BatchPart[], out: Uint8Array, at: number): void {
  const view = new DataView(out.buffer, out.byteOffset);
  let pos = at;
  for (const p of bs) {
    const x = hintOf(p);
    if (!x) {
      out[pos++] = 0;
      continue;
    }
    out[pos++] = 1;
    view.setFloat64(pos, x.h.source, true);
    pos += 8;
    const ids = x.h.ids;
    if (x.pick === null) out.set(new Uint8Array(ids.buffer, ids.byteOffset, 4 * x.rows), pos);
    else for (let j = 0; j < x.rows; j++) view.setInt32(pos + 4 * j, ids[x.pick[j]!]! | 0, true);
    pos += 4 * x.rows;
  }
}

/** The parts' hints as bytes, or null when none has one. */
export function encodeSeriesHints(bs: readonly BatchPart[]): Uint8Array | null {
  const size = seriesHintsSize(bs);
  if (size === 0) return null;
  const out = new Uint8Array(size);
  writeSeriesHints(bs, out, 0);
  return out;
}

/** Gives each batch the hint the section holds for it; a section that does not fit the batches is corrupt. */
export function attachSeriesHints(bs: WriteBatch[], bytes: Uint8Array): void {
  const fail = (what: string, at: number): never => {
    throw new CorruptDataError(`series hints: ${what} at byte ${at}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  for (const b of bs) {
    if (pos >= bytes.length) fail(`no entry for batch of ${b.table}`, pos);
    const flag = bytes[pos++];
    if (flag === 0) continue;
    if (flag !== 1) fail(`unknown flag ${flag}`, pos - 1);
    if (pos + 8 + 4 * b.rows > bytes.length) fail(`${b.rows} series numbers need ${8 + 4 * b.rows} bytes, ${bytes.length - pos} left`, pos);
    const source = view.getFloat64(pos, true);
    if (!Number.isSafeInteger(source)) fail(`source ${source} is not an integer`, pos);
    pos += 8;
    const ids = new Int32Array(b.rows);
    new Uint8Array(ids.buffer).set(bytes.subarray(pos, pos + 4 * b.rows));
    pos += 4 * b.rows;
    b.series = { source, ids };
  }
  if (pos !== bytes.length) fail(`${bytes.length - pos} trailing bytes`, pos);
}
