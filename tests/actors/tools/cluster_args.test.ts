// The local cluster's node arguments: parse workers off when the nodes already outnumber the host's cores.
import { describe, expect, it } from 'vitest';
import { parseWorkerArgs } from '../../../actors/tools/cluster.ts';

describe('parseWorkerArgs', () => {
  it('turns parse workers off when nodes >= cores, keeps the default otherwise', () => {
    expect(parseWorkerArgs([], 3, 2)).toEqual(['--parse-workers', '0']);
    expect(parseWorkerArgs([], 2, 2)).toEqual(['--parse-workers', '0']);
    expect(parseWorkerArgs([], 3, 8)).toEqual([]);
  });

  it('leaves a --parse-workers the node arguments name alone', () => {
    expect(parseWorkerArgs(['--storage', 'nats', '--parse-workers', '1'], 3, 2)).toEqual([]);
    expect(parseWorkerArgs(['--parse-workers=2'], 3, 2)).toEqual([]);
  });
});
