// Elasticsearch's filter_path: the examples of its REST API docs, exclusions, and properties over random documents.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterPath } from '../../../core/index.ts';

const search = {
  took: 3, timed_out: false, _shards: { total: 1, successful: 1, failed: 0 },
  hits: { total: { value: 2 }, max_score: 1, hits: [{ _index: 'twitter', _id: '1', _score: 1, _source: { user: 'a', title: 'x' } }, { _index: 'twitter', _id: '2', _score: 1, _source: { user: 'b', title: 'y' } }] },
};

describe('filter_path', () => {
  it('keeps the named paths, through arrays, with * inside names and ** across levels', () => {
    expect(filterPath(search, 'took,hits.hits._id,hits.hits._score')).toEqual({ took: 3, hits: { hits: [{ _id: '1', _score: 1 }, { _id: '2', _score: 1 }] } });
    expect(filterPath(search, 'hits.hits._*d*')).toEqual({ hits: { hits: [{ _index: 'twitter', _id: '1' }, { _index: 'twitter', _id: '2' }] } });
    expect(filterPath(search, '**.user')).toEqual({ hits: { hits: [{ _source: { user: 'a' } }, { _source: { user: 'b' } }] } });
    expect(filterPath(search, '_shards.*')).toEqual({ _shards: search._shards });
    expect(filterPath(search, 'nothing.here')).toEqual({});
  });

  it('drops excluded paths first, then applies the inclusions', () => {
    expect(filterPath(search, '-hits,-_shards')).toEqual({ took: 3, timed_out: false });
    expect(filterPath(search, 'hits.hits._source,-hits.hits._source.title')).toEqual({ hits: { hits: [{ _source: { user: 'a' } }, { _source: { user: 'b' } }] } });
  });

  it('property: ** keeps a document whose containers are all non-empty; excluding an absent name changes nothing', () => {
    const leaf = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null));
    const doc = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { minLength: 1, maxLength: 3 }), fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), tie('node'), { minKeys: 1, maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), doc, { minKeys: 1, maxKeys: 4 }), (d) => {
      expect(filterPath(d, '**')).toEqual(d);
      expect(filterPath(d, '-ZZ_absent')).toEqual(d);
      const k = Object.keys(d)[0]!;
      expect(Object.keys(filterPath(d, `-${k}`) as object)).not.toContain(k);
    }));
  });
});
