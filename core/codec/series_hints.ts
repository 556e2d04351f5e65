// Series hints (batch.ts SeriesHint) in bytes, so that a batch sent to another node's region keeps its producer's series numbers.
import type { WriteBatch } from '../batch.ts';
import { CorruptDataError } from '../errors.ts';

/*
 * Section: per batch, in the order of the batches it goes with: flag:u8 (0: no hint, 1: a hint), then for a hint its
 * source as a float64 (sources are integers below 2^53) and one int32 per row, little-endian. It travels beside a WAL
 * record (wal_batch.ts), never inside one: the WAL keeps no hints, replay interns from the tags.
 */

/** The batches' hints as bytes, or null when none has one. */
export function encodeSeriesHints(bs: readonly WriteBatch[]): Uint8Array | null {
  if (!bs.some((b) => b.series !== undefined && b.series.ids.length === b.rows)) return null;
  let size = 0;
  for (const b of bs) size += 1 + (b.series !== undefined && b.series.ids.length === b.rows ? 8 + 4 * b.rows : 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const b of bs) {
    const h = b.series;
    if (h === undefined || h.ids.length !== b.rows) {
      out[pos++] = 0;
      continue;
    }
    out[pos++] = 1;
    view.setFloat64(pos, h.source, true);
    pos += 8;
    out.set(new Uint8Array(h.ids.buffer, h.ids.byteOffset, 4 * b.rows), pos);
    pos += 4 * b.rows;
  }
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
