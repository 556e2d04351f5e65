// JetStream at a cluster's start-up (a real 3-server NATS cluster, no EddyDB node): nodes starting together create the
// same replicated streams at once. nats-server answers nothing to the loser of such a race, nor to any request to a
// stream whose new group has no leader yet (js_call.ts): each create is bounded and made again, so every node's
// start-up gets through, where a plain create waits out its whole request timeout.
import { describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Buckets } from '../../core/index.ts';
import { ensureAsset, ensureJetStreamAssets } from '../../actors/runtime/js_assets.ts';
import { isTimeout } from '../../actors/runtime/js_call.ts';
import { natsClusterPerFile } from './helpers.ts';

describe('JetStream creates racing on a 3-server cluster', () => {
  const { conns } = natsClusterPerFile('eddy-jsstart-');

  it('every node\'s creates of the same R3 buckets get through, the silent ones made again', async () => {
    // A 3 s request timeout: a plain create that lost the race fails (5 of 24 did in a trial); made again, none does.
    const kvms = conns.map((c) => new Kvm(jetstream(c, { timeout: 3_000 })));
    let silent = 0;
    for (let i = 0; i < 6; i++) {
      const name = `race_${i}`;
      const made = await Promise.all(kvms.map((k) => ensureAsset(`KV ${name}`, () => k.create(name, { history: 1, replicas: 3 }), (e) => { if (isTimeout(e)) silent++; })));
      expect(made).toHaveLength(3);
      const info = await (await jetstreamManager(conns[0]!)).streams.info(`KV_${name}`);
      expect(info.config.num_replicas).toBe(3);
    }
    // Each node's start-up: every stream, bucket and the object store, at once, with 3 replicas.
    await Promise.all(conns.map((c) => ensureJetStreamAssets(c, { replicas: 3, segments: true, cluster: true })));
    const jsm = await jetstreamManager(conns[1]!);
    for (const b of [Buckets.nodes, Buckets.routes, Buckets.procedures, Buckets.catalog]) expect((await jsm.streams.info(`KV_${b}`)).config.num_replicas).toBe(3);
    console.log(`racing R3 creates: ${silent} attempts went unanswered and were made again (of 18 creates)`);
  }, 180_000);
});
