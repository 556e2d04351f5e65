// Reading a KV bucket in a cluster: its keys from the stream's subject index (one paged STREAM.INFO request), and one
// key's entry; both bounded and made again while unanswered (js_call.ts).
//
// The client's kv.keys() reads an ordered consumer until `pending` reaches 0 or an idle heartbeat arrives. On a bucket
// whose keys are rewritten all the time (node heartbeats, leases, procedure steps) and on a loaded machine, that
// listing can end before every key came (a heartbeat sent while the client lagged) or not end at all (pending never
// 0): placement then missed routes or a candidate read "no such table". The subject index is a snapshot the server
// answers at once. It also lists keys whose last entry is a DEL/PURGE marker: callers read each key and skip those.
import type { KV } from '@nats-io/kv';
import type { JetStreamManager } from '@nats-io/jetstream';
import { jsCall } from './js_call.ts';

/** The parts of the client's KV bucket a subject listing needs (fields of its Bucket class). */
interface BucketParts {
  jsm?: JetStreamManager;
  stream?: string;
  prefix?: string;
  decodeKey?: (k: string) => string;
}

/** Keys of `kv` matching `filter` (KV wildcards `*` and `>`), each once. */
export async function kvKeys(kv: KV, filter: string): Promise<string[]> {
  const b = kv as unknown as BucketParts;
  if (!b.jsm || !b.stream || !b.prefix) {
    const out: string[] = [];
    for await (const k of await kv.keys(filter)) out.push(k);
    return [...new Set(out)];
  }
  const info = await jsCall(() => b.jsm!.streams.info(b.stream!, { subjects_filter: `${b.prefix}.${filter}` }), { what: `listing ${b.stream}`, safe: true });
  const skip = b.prefix.length + 1;
  return Object.keys(info.state.subjects ?? {}).map((s) => (b.decodeKey ? b.decodeKey(s.slice(skip)) : s.slice(skip)));
}

/** One key's entry (null: none), bounded and made again while unanswered. */
export function kvGet(kv: KV, key: string) {
  return jsCall(() => kv.get(key), { what: `reading ${key}`, safe: true });
}
