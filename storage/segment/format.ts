// The segment file layout version, written as the schema metadata `eddy.format` (read.ts refuses a newer one).
/** 2: row groups written as pages (record batches of `eddy.page_rows` rows, stats in `eddy.pages`); absent: one record batch per group. */
export const SEGMENT_FORMAT = '2';
