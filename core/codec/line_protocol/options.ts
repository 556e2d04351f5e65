// What a caller can tell the line protocol parser: timestamp precision, a default time, the time column's name,
// and a series key cache kept across payloads.
import type { TimeUnit } from '../../schema.ts';
import type { SeriesCache } from './series_cache.ts';

export interface LineProtocolOptions {
  /** Unit of the timestamps in the payload; default 'ns'. */
  precision?: TimeUnit;
  /** Time of lines without a timestamp; without it such a line is an error. */
  defaultTimeNs?: bigint;
  /** Name of the time column; default 'ts'. */
  timeColumn?: string;
  /**
   * Series keys parsed before, kept by a caller that parses many payloads of the same series; without
   * it the cache lives for this one call.
   */
  seriesCache?: SeriesCache;
}
