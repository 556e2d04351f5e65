// Elasticsearch _bulk bodies: items, per-item errors, requests refused whole; fuzzed with fast-check.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BulkRequestError, parseBulk } from '../../../core/index.ts';

describe('parseBulk', () => {
  it('reads index/create pairs, delete without a source, and update as an item error', () => {
    const items = parseBulk('{"index":{"_index":"a","_id":1}}\n{"x":1}\n{"delete":{"_index":"a","_id":"2"}}\n{"create":{"pipeline":"p"}}\r\n{"y":"z"}\n{"update":{"_id":"3"}}\n{"doc":{}}\n', 'dflt');
    expect(items.map((i) => [i.action, i.index, i.id ?? null, i.pipeline ?? null, i.doc, i.error?.type ?? null, i.line])).toEqual([
      ['index', 'a', '1', null, { x: 1 }, null, 1],
      ['delete', 'a', '2', null, null, 'illegal_argument_exception', 3],
      ['create', 'dflt', null, 'p', { y: 'z' }, null, 4],
      ['update', 'dflt', '3', null, null, 'illegal_argument_exception', 6],
    ]);
  });

  it('makes a bad source an item error and a bad action line a request error naming the line', () => {
    const items = parseBulk('{"index":{}}\n[1]\n{"index":{}}\n{bad\n', 'i');
    expect(items.map((i) => i.error?.type)).toEqual(['document_parsing_exception', 'document_parsing_exception']);
    expect(items[1]!.error!.reason).toContain('[4:1]');
    expect(() => parseBulk('{"index":{}}\n{}\nnope\n{}\n', 'i')).toThrow(/line \[3\]/);
    expect(() => parseBulk('{"index":{},"create":{}}\n{}\n', 'i')).toThrow(BulkRequestError);
    expect(() => parseBulk('{"index":{"colour":1}}\n{}\n', 'i')).toThrow(/unknown parameter \[colour\]/);
    expect(() => parseBulk('{"index":{}}\n', 'i')).toThrow(/source line/);
    expect(() => parseBulk('{"index":{}}\n{}\n', undefined)).toThrow(/index is missing/);
    expect(() => parseBulk('\n\n', 'i')).toThrow(/no requests/);
  });

  it('fuzz: any text parses into items or is refused with a BulkRequestError, never anything else', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
      try {
        const items = parseBulk(s, 'i');
        for (const it of items) expect(it.doc === null || it.error === null).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(BulkRequestError);
      }
    }), { numRuns: 500 });
  });

  it('fuzz: generated documents come back whole, in order', () => {
    const doc = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 5 });
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('index', 'create'), fc.option(fc.string({ minLength: 1, maxLength: 6 })), doc), { minLength: 1, maxLength: 20 }), (rows) => {
      const body = rows.map(([a, idx, d]) => `${JSON.stringify({ [a]: idx === null ? {} : { _index: idx } })}\n${JSON.stringify(d)}\n`).join('');
      const items = parseBulk(body, 'dflt');
      expect(items.map((i) => [i.action, i.index, i.doc])).toEqual(rows.map(([a, idx, d]) => [a, idx ?? 'dflt', JSON.parse(JSON.stringify(d))]));
    }), { numRuns: 300 });
  });
});
