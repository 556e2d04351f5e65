// --role, --node-id and --storage flags: parsing, defaults and the standalone rule.
import { describe, expect, it } from 'vitest';
import { isStandalone, parseConfig, parseRoles } from '../../actors/config.ts';

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
  });
});
