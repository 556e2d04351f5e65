// The node logger: text and JSON lines, and error lines held to a rate per kind with a "suppressed" count.
import { describe, expect, it } from 'vitest';
import { Logger } from '../../../actors/runtime/logger.ts';

function collecting(format: 'text' | 'json', opts: { burst?: number; perSecond?: number; quiet?: boolean } = {}) {
  const lines: string[] = [];
  let now = Date.UTC(2026, 0, 1);
  const logger = new Logger({ format, write: (l) => lines.push(l), now: () => now, ...opts });
  return { lines, logger, advance: (ms: number) => (now += ms) };
}

describe('Logger', () => {
  it('writes one JSON object per error with what failed and why', () => {
    const { lines, logger } = collecting('json');
    logger.error('http.5xx', 'GET /v1/sql answered 500', { status: 500, error: 'boom', n: 12345678901234567890n });
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]!);
    expect(o).toMatchObject({ level: 'error', kind: 'http.5xx', msg: 'GET /v1/sql answered 500', status: 500, error: 'boom', n: '12345678901234567890' });
    expect(o.time).toBe('2026-01-01T00:00:00.000Z');
  });

  it('writes text lines with key=value fields, quoting values with spaces', () => {
    const { lines, logger } = collecting('text');
    logger.info('ready');
    logger.error('write.rejected', 'write failed', { error: 'bad line 3', code: 2000 });
    expect(lines[0]).toBe('2026-01-01T00:00:00.000Z eddy: ready');
    expect(lines[1]).toBe('2026-01-01T00:00:00.000Z eddy: ERROR write failed kind=write.rejected error="bad line 3" code=2000');
  });

  it('holds each kind to its burst, counts what it drops, and reports the count on the next line', () => {
    const { lines, logger, advance } = collecting('json', { burst: 3, perSecond: 1 });
    for (let i = 0; i < 10; i++) logger.error('ingest.rejected', `bad ${i}`);
    // Another kind has its own bucket.
    expect(logger.error('http.5xx', 'other')).toBe(true);
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['bad 0', 'bad 1', 'bad 2', 'other']);
    advance(1000);
    expect(logger.error('ingest.rejected', 'bad 10')).toBe(true);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ msg: 'bad 10', suppressed: 7 });
    // Half a token is not enough.
    advance(500);
    expect(logger.error('ingest.rejected', 'bad 11')).toBe(false);
    logger.flushSuppressed();
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ kind: 'ingest.rejected', suppressed: 1, msg: '1 similar suppressed' });
  });

  it('quiet drops info lines but keeps errors', () => {
    const { lines, logger } = collecting('text', { quiet: true });
    logger.info('ready');
    logger.error('http.5xx', 'failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ERROR failed/);
  });
});
