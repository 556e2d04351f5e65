// --role, --node-id, --storage, --replicas and --cache-mb flags: parsing, defaults and the standalone rule.
import { describe, expect, it } from 'vitest';
import { isStandalone, parseConfig, parseRoles } from '../../../actors/config.ts';

describe('role flags', () => {
  it('defaults to standalone with a node id from the host name and local storage', () => {
    const cfg = parseConfig([], {});
    expect(cfg.role).toBe('all');
    expect(isStandalone(cfg)).toBe(true);
    expect(cfg.nodeId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cfg.storage).toBe('local');
  });

  it('takes comma lists from flags and EDDY_ variables', () => {
    const cfg = parseConfig(['--role', 'frontend,datanode', '--node-id=dn-1'], {});
    expect([...parseRoles(cfg.role)].sort()).toEqual(['datanode', 'frontend']);
    expect(isStandalone(cfg)).toBe(false);
    expect(cfg.nodeId).toBe('dn-1');
    const env = parseConfig([], { EDDY_ROLE: 'meta', EDDY_NODE_ID: 'm0', EDDY_STORAGE: 'nats' });
    expect([...parseRoles(env.role)]).toEqual(['meta']);
    expect(env.storage).toBe('nats');
  });

  it('`all` in a list means every role', () => {
    expect(parseRoles('all').size).toBe(4);
    expect(parseRoles('meta, all').size).toBe(4);
  });

  it('rejects unknown roles, bad node ids and storage kinds with the flag named', () => {
    expect(() => parseConfig(['--role', 'datanode,router'], {})).toThrow(/--role: unknown role 'router'/);
    expect(() => parseConfig(['--role', ','], {})).toThrow(/--role: name at least one role/);
    expect(() => parseConfig(['--node-id', 'a.b'], {})).toThrow(/--node-id/);
    expect(() => parseConfig(['--storage', 's3'], {})).toThrow(/--storage: 's3'/);
    expect(() => parseConfig(['--replicas', '0'], {})).toThrow(/--replicas: '0'/);
    expect(() => parseConfig(['--replicas', '7'], {})).toThrow(/--replicas: '7'/);
    expect(() => parseConfig(['--cache-mb', '-1'], {})).toThrow(/--cache-mb/);
  });

  it('JetStream replicas default to 1 and the decoded-column cache to 512 MiB; both settable', () => {
    const d = parseConfig([], {});
    expect([d.replicas, d.cacheMb]).toEqual([1, 512]);
    const c = parseConfig(['--replicas', '3', '--cache-mb=0'], {});
    expect([c.replicas, c.cacheMb]).toEqual([3, 0]);
    expect(parseConfig([], { EDDY_REPLICAS: '3', EDDY_CACHE_MB: '64' })).toMatchObject({ replicas: 3, cacheMb: 64 });
  });
});
