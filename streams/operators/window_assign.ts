// windowAssign: gives each decoded row the open windows it belongs to; rows only in final windows, or expired, are late.
import { map } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { WindowSpec } from '../types.ts';
import { forEachOpenWindow } from '../window.ts';
import type { DecodedRows } from './decode_rows.ts';
import type { Watermarked } from './watermark.ts';

/** Window start standing for "no time window": the flow's single global group set. */
export const GLOBAL_WINDOW = -(2n ** 63n);
/** Window start standing for "whichever open window holds the row" (a deleted row whose event time is unknown). */
export const ANY_WINDOW = GLOBAL_WINDOW + 1n;

export interface AssignedRows {
  rows: DecodedRows | null;
  /** Window starts of row i are starts[offsets[i] .. offsets[i + 1]). */
  starts: bigint[];
  offsets: Int32Array;
  /** Rows dropped because every window they fall in is already final. */
  late: number;
  /** Rows dropped because they are older than max event time - expireAfter. */
  expired: number;
  watermark: bigint | null;
}

export function assignWindows(w: Watermarked<DecodedRows>, spec: WindowSpec | null, expireAfterNs: bigint | null): AssignedRows {
  const rows = w.value;
  const n = rows ? rows.n : 0;
  const offsets = new Int32Array(n + 1);
  const starts: bigint[] = [];
  let late = 0;
  let expired = 0;
  const expiry = expireAfterNs !== null && w.maxBefore !== null ? w.maxBefore - expireAfterNs : null;
  const push = (s: bigint): void => { starts.push(s); };
  const unknown = rows?.unknownTime;
  for (let i = 0; i < n; i++) {
    const t = rows!.eventTime[i]!;
    if (unknown && unknown[i] === 1) starts.push(spec ? ANY_WINDOW : GLOBAL_WINDOW);
    else if (expiry !== null && t < expiry) expired++;
    else if (!spec) starts.push(GLOBAL_WINDOW);
    else if (forEachOpenWindow(spec, t, w.before, push) === 0) late++;
    offsets[i + 1] = starts.length;
  }
  return { rows, starts, offsets, late, expired, watermark: w.after };
}

export function windowAssign(spec: WindowSpec | null, expireAfterNs: bigint | null): OperatorFunction<Watermarked<DecodedRows>, AssignedRows> {
  return map((w) => assignWindows(w, spec, expireAfterNs));
}
