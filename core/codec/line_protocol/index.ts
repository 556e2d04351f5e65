// Public face of the line protocol codec: parse and print.
export { parseLineProtocol, type LineProtocolOptions } from './parse.ts';
export { SeriesCache } from './series_cache.ts';
export { printLineProtocol } from './print.ts';
