// The segment file layout version, written as the schema metadata `eddy.format` (read.ts refuses a newer one).
/**
 * 3: float columns that are not short decimals are byte-split (`float-bytesplit`); 2: row groups written as pages
 * (record batches of `eddy.page_rows` rows, stats in `eddy.pages`); absent: one record batch per group. A build
 * refuses formats above its own: an older one would take the new encoding for another.
 */
export const SEGMENT_FORMAT = '3';
/** Formats with pages that this build reads. */
export const PAGED_FORMATS: readonly string[] = ['2', '3'];
