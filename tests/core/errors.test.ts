// Error classes: each failure has a class, a status code in its range, the right HTTP status and its cause; no plain Error is thrown.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CorruptDataError, EddyError, InternalError, InvalidArgumentError, InvalidConfigError, MetaUnavailableError, StartupError,
  StatusCode, httpStatusOf, isUserError, toWireError,
} from '../../core/errors.ts';
import { decodeBatch } from '../../core/codec/wal_batch.ts';
import { parseDurationMs } from '../../core/schema.ts';
import { timeColumn } from '../../core/batch.ts';

describe('error classes', () => {
  const cause = new Error('underneath');
  const cases: [EddyError, number, number][] = [
    [new InvalidArgumentError('bad', undefined, cause), StatusCode.InvalidArguments, 400],
    [new InvalidConfigError('--replicas: 9', cause), StatusCode.InvalidConfig, 400],
    [new StartupError('nats-server exited', cause), StatusCode.StartupFailed, 500],
    [new CorruptDataError('corrupt record', cause), StatusCode.StorageCorrupted, 500],
    [new MetaUnavailableError('no longer the meta leader', cause), StatusCode.MetaUnavailable, 503],
    [new InternalError('invariant', cause), StatusCode.Internal, 500],
  ];
  for (const [e, code, http] of cases) {
    it(`${e.name}: code ${code}, HTTP ${http}, keeps its cause`, () => {
      expect(e).toBeInstanceOf(EddyError);
      expect(e.code).toBe(code);
      expect(httpStatusOf(e.code)).toBe(http);
      expect(isUserError(e.code)).toBe(http < 500);
      expect(e.cause).toBe(cause);
      expect(e.name).toBe(e.constructor.name);
      expect(toWireError(e).code).toBe(code);
    });
  }
  it('status codes are unique', () => {
    const codes = Object.values(StatusCode);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('known failures throw their class', () => {
  it('a corrupt WAL record is a CorruptDataError naming the byte', () => {
    expect(() => decodeBatch(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(CorruptDataError);
    expect(() => decodeBatch(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(/corrupt record.*at byte \d+/);
  });
  it("a duration with an unknown unit is the user's mistake", () => {
    expect(() => parseDurationMs('5 fortnights')).toThrow(InvalidArgumentError);
  });
  it('a batch without a time column names its table', () => {
    expect(() => timeColumn({ table: 'cpu', rows: 0, columns: [] } as never)).toThrow(new InvalidArgumentError('batch for table cpu has no time column'));
  });
});

describe('no plain Error', () => {
  it('is thrown or rejected in core/, storage/, streams/, actors/', () => {
    const root = new URL('../../', import.meta.url).pathname;
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
    const hits = ['core', 'storage', 'streams', 'actors'].flatMap((top) =>
      walk(join(root, top)).flatMap((f) =>
        readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (/\bnew Error\(|\bthrow Error\(/.test(line) ? [`${f.slice(root.length)}:${i + 1}`] : [])),
      ),
    );
    expect(hits).toEqual([]);
  });
});
