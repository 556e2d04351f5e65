// Helpers shared by the shipper protocol tests: SQL over the node's HTTP API.
import { expect } from 'vitest';

export async function sqlRows(node: { url: string }, q: string, db = 'public'): Promise<unknown[][]> {
  const r = await fetch(`${node.url}/v1/sql?db=${db}`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
  const body: any = await r.json();
  expect(r.status, JSON.stringify(body)).toBe(200);
  return body.output[0].records.rows;
}
