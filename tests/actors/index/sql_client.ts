// SQL over a node's HTTP API for the index tests: raw replies, rows, statements, and waiting for index builds.
import type { EddyNode } from '../../../actors/node.ts';

export type SqlOut = { output?: { records?: { rows: unknown[][] }; affectedrows?: number }[]; error?: string };
export type Node = EddyNode & { url: string };

export async function sql(node: Node, q: string): Promise<{ status: number; body: SqlOut }> {
  const r = await fetch(`${node.url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql: q }) });
  return { status: r.status, body: (await r.json()) as SqlOut };
}
export async function rows(node: Node, q: string): Promise<unknown[][]> {
  const r = await sql(node, q);
  if (r.status !== 200) throw new Error(`${q.slice(0, 120)}: ${r.status} ${r.body.error}`);
  return r.body.output![0]!.records!.rows;
}
export async function exec(node: Node, q: string): Promise<void> {
  const r = await sql(node, q);
  if (r.status !== 200) throw new Error(`${q.slice(0, 120)}: ${r.status} ${r.body.error}`);
}
/** Waits, on the builders' own state (no timers), until every region of the node has built what is pending. */
export async function indexed(node: Node): Promise<void> {
  for (const h of node.supervisor.all()) await h.indexesIdle();
}
/** EXPLAIN ANALYZE of a query, its lines joined. */
export const analyze = async (node: Node, q: string) => (await rows(node, `EXPLAIN ANALYZE ${q}`)).map((r) => r.join(' ')).join('\n');
