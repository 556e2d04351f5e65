// Scan requests on the wire: index predicates and the analyze flag round-trip; a malformed predicate is a 4xx.
import { describe, expect, it } from 'vitest';
import { decodeScanRequest, encodeScanRequest } from '../../../actors/runtime/scan_wire.ts';
import { StatusCode, type EddyError } from '../../../core/index.ts';

const enc = new TextEncoder();

describe('scan wire', () => {
  it('carries predicates and analyze', () => {
    const req = {
      start: 5n, columns: ['host'], analyze: true, queryId: '0b7c1a52-6f4e-4c8e-9a51-3d2f7e0a9b11',
      predicates: [
        { column: 'host', op: 'in' as const, values: ['a', 'b'] },
        { column: 'host', op: 'regex' as const, pattern: '^a', flags: 'i' as const, negated: true },
        { column: 'msg', op: 'like' as const, pattern: 'x%', caseInsensitive: false, negated: false, prefix: 'x' },
        { column: 'msg', op: 'fulltext' as const, query: { kind: 'term' as const, term: 'GET' } },
        { column: 'msg', op: 'fulltext' as const, query: { kind: 'matches' as const, query: 'a -b', options: { analyzer: 'Chinese' as const, caseSensitive: true } } },
        // an open side of a box is +-Infinity: JSON carries it as null and it comes back
        { column: 'lat', op: 'spatial' as const, lng: 'lng', predicate: { op: 'bbox' as const, minLat: -Infinity, maxLat: 10, minLng: 1, maxLng: Infinity } },
        { column: 'lat', op: 'spatial' as const, lng: 'lng', predicate: { op: 'radius' as const, lat: 1, lng: 2, meters: 300 } },
      ],
    };
    expect(decodeScanRequest(enc.encode(encodeScanRequest(req)))).toEqual(req);
  });

  it('refuses a malformed predicate as the caller\'s mistake', () => {
    for (const p of [{ column: 'h', op: 'regex', pattern: '(', flags: '' }, { column: 'h', op: 'in', values: [1] }, { op: 'ne', value: 'x' }, { column: 'h', op: 'near' },
      { column: 'm', op: 'fulltext', query: { kind: 'matches', query: '"open', options: { analyzer: 'English', caseSensitive: false } } },
      { column: 'm', op: 'fulltext', query: { kind: 'term' } }, { column: 'lat', op: 'spatial', lng: 'lng', predicate: { op: 'bbox', minLat: 'x' } }]) {
      let err: EddyError | null = null;
      try { decodeScanRequest(enc.encode(JSON.stringify({ predicates: [p] }))); } catch (e) { err = e as EddyError; }
      expect(err?.code).toBe(StatusCode.InvalidArguments);
      expect(err?.message).toMatch(/scan predicate/);
    }
  });

  it('refuses a query id that is not a short string', () => {
    for (const q of [7, 'x'.repeat(65)]) {
      let err: EddyError | null = null;
      try { decodeScanRequest(enc.encode(JSON.stringify({ queryId: q }))); } catch (e) { err = e as EddyError; }
      expect(err?.code).toBe(StatusCode.InvalidArguments);
      expect(err?.message).toMatch(/scan queryId/);
    }
  });
});
