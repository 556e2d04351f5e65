// Helpers shared by the shipper protocol tests: one node on a real nats-server per file, SQL over the node's HTTP API.
import { afterAll, beforeAll, expect } from 'vitest';
import { startNats, startNode, tempDir } from '../../harness/index.ts';

export type ShipperNode = Awaited<ReturnType<typeof startNode>>;

/** Starts a real nats-server and a node before the file's tests, stops both after; `get()` is the node. */
export function nodeForFile(overrides: Parameters<typeof startNode>[0]['overrides'] = {}): { get: () => ShipperNode } {
  const dir = tempDir();
  let nats: Awaited<ReturnType<typeof startNats>> | undefined;
  let node: ShipperNode | undefined;
  beforeAll(async () => {
    nats = await startNats();
    node = await startNode({ data: dir.path, nats: nats.url, overrides });
  });
  afterAll(async () => {
    await node?.stop();
    await nats?.cleanup();
    dir.cleanup();
  });
  return { get: () => node! };
}

export async function sqlRows(node: { url: string }, q: string, db = 'public'): Promise<unknown[][]> {
  const r = await fetch(`${node.url}/v1/sql?db=${db}`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
  const body: any = await r.json();
  expect(r.status, JSON.stringify(body)).toBe(200);
  return body.output[0].records.rows;
}
