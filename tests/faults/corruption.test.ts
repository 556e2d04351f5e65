// Fault: a corrupted segment file (flipped byte, truncation) and a corrupted manifest are detected by checksums and
// reported with the file's name; the other tables keep answering; never a silent wrong answer.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startNodeProcess, tempDir, type NodeProcess } from '../harness/index.ts';
import { faultRandom, sqlRows } from './fault_util.ts';

/**
 * Every file under dir whose name passes the test. The entries' own types, not a stat per name: the running node
 * writes manifests through temporary files it renames, and one may be gone between the listing and a stat.
 */
function filesUnder(dir: string, test: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, test));
    else if (test(e.name)) out.push(p);
  }
  return out;
}

function flipByte(path: string, at: number): void {
  const b = readFileSync(path);
  b[at] = b[at]! ^ 0x5a;
  writeFileSync(path, b);
}

const sqlStatus = async (url: string, sql: string) => {
  const r = await fetch(`${url}/v1/sql?db=public`, { method: 'POST', body: new URLSearchParams({ sql }) });
  return { status: r.status, body: (await r.json()) as { error?: string } };
};

describe('corrupted files', () => {
  it('a flipped segment byte, a truncated segment and a flipped manifest byte are refused with the file name; other tables answer', async () => {
    const rnd = faultRandom();
    const dir = tempDir();
    let node: NodeProcess = await startNodeProcess({ data: dir.path });
    const segmentsOf: Record<string, string> = {};
    const seen = new Set<string>();
    for (const t of ['flip', 'cut', 'man', 'good']) {
      const lp = Array.from({ length: 500 }, (_, i) => `${t},host=h${i % 5} v=${i} ${1_700_000_000_000 + i}000000`).join('\n');
      expect((await fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: lp })).status).toBe(204);
      expect((await fetch(`${node.url}/v1/admin/flush?db=public&table=${t}`, { method: 'POST' })).status).toBe(200);
      const fresh = filesUnder(dir.path, (n) => n.endsWith('.arrow')).filter((f) => !seen.has(f));
      expect(fresh.length, `${t}: one new segment`).toBe(1);
      segmentsOf[t] = fresh[0]!;
      seen.add(fresh[0]!);
    }
    await node.stop();
    if (process.env.EDDY_FAULT_DEBUG) console.log(JSON.stringify(segmentsOf), filesUnder(dir.path, (n) => n.endsWith('.arrow') || n.startsWith('manifest')).join('\n'));
    const flip = segmentsOf.flip!;
    flipByte(flip, 64 + Math.floor(rnd() * (statSync(flip).size - 128)));
    truncateSync(segmentsOf.cut!, statSync(segmentsOf.cut!).size - 100);
    const manifest = filesUnder(dirname(dirname(segmentsOf.man!)), (n) => n.startsWith('manifest'))[0]!;
    flipByte(manifest, Math.floor(readFileSync(manifest).length / 2));

    node = await startNodeProcess({ data: dir.path });
    const flipped = await sqlStatus(node.url, 'SELECT count(*), sum(v) FROM flip');
    expect(flipped.status).toBeGreaterThanOrEqual(500);
    expect(flipped.body.error).toContain(`segment ${flip} is corrupted: checksum mismatch`);
    const cut = await sqlStatus(node.url, 'SELECT count(*) FROM cut');
    expect(cut.body.error).toContain(`segment ${segmentsOf.cut} is corrupted`);
    const man = await sqlStatus(node.url, 'SELECT count(*) FROM man');
    expect(man.status).toBeGreaterThanOrEqual(500);
    expect(man.body.error).toContain(`corrupted manifest ${manifest}`);
    // the untouched table answers, exactly
    expect(await sqlRows(node.url, 'SELECT count(*) AS n, sum(v) AS s FROM good')).toEqual([{ n: 500, s: 124750 }]);
    await node.stop();
    dir.cleanup();
  }, 120_000);
});
