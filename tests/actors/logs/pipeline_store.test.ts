// Pipelines in the catalog KV bucket (real nats-server): two stores on one bucket (two nodes) see each other's
// versions through the watch; versions parse both ways; deleting one version keeps the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kvm } from '@nats-io/kv';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, systemClock } from '../../../core/index.ts';
import { PipelineStore, versionNs, versionText } from '../../../actors/logs/index.ts';
import { natsClient, startNats, until } from '../../harness/index.ts';

const YAML = 'transform:\n  - field: message\n    type: string\n';

describe('pipeline store', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  let nc: NatsConnection;
  let a: PipelineStore;
  let b: PipelineStore;

  beforeAll(async () => {
    nats = await startNats();
    nc = await natsClient(nats.url);
    const kv = await new Kvm(jetstream(nc)).create(Buckets.catalog, { history: 1 });
    a = new PipelineStore(kv, systemClock);
    b = new PipelineStore(kv, systemClock);
    await a.start();
    await b.start();
  });
  afterAll(async () => {
    a?.stop();
    b?.stop();
    await nc?.close();
    await nats?.cleanup();
  });

  it('shares versions between nodes and deletes one version', async () => {
    const v1 = await a.create('shared.pipe', YAML);
    const v2 = await a.create('shared.pipe', YAML + '# 2\n');
    await until(async () => b.versions('shared.pipe').length === 2, 'the other store sees both versions');
    expect((await b.get('shared.pipe')).version).toBe(v2.version);
    expect((await b.get('shared.pipe', v1.version)).yaml).toBe(YAML);
    await b.delete('shared.pipe', v2.version);
    await until(async () => a.versions('shared.pipe').length === 1, 'the delete reaches the first store');
    expect((await a.compiledOf('shared.pipe')).name).toBe('shared.pipe');
    await expect(a.get('shared.pipe', v2.version)).rejects.toThrow(/Pipeline not found/);
    await expect(a.create('greptime_mine', YAML)).rejects.toThrow(/reserved/);
  });

  it('reads versions in GreptimeDB text, RFC 3339 and ns', () => {
    const ns = '1719489754257312110';
    expect(versionText(ns)).toBe('2024-06-27 12:02:34.257312110Z');
    expect(versionNs('2024-06-27 12:02:34.257312110Z')).toBe(ns);
    expect(versionNs('2024-06-27T12:02:34.257312110Z')).toBe(ns);
    expect(versionNs(ns)).toBe(ns);
    // GreptimeDB's GET answers and docs write it without a zone or with +0000; another offset is honoured
    expect(versionNs('2024-06-27 12:02:34.257312110')).toBe(ns);
    expect(versionNs('2024-06-27 12:02:34.257312110+0000')).toBe(ns);
    expect(versionNs('2024-06-27 14:02:34.257312110+02:00')).toBe(ns);
    expect(() => versionNs('yesterday')).toThrow(/invalid pipeline version/);
  });
});
