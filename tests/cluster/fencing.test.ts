// A datanode paused (SIGSTOP) past its failure detection while writes go on (real nats-servers and node processes, 3
// nodes, --storage nats): its regions reopen elsewhere; resumed (SIGCONT), it still holds them open and takes the
// writes queued for it meanwhile, but a newer leader fenced its term: its appends are refused, it commits no flush,
// its frontend's writes are redirected, and every acknowledged row is present exactly once (append-mode table, so a
// doubled row would count twice).
import { describe, expect, it } from 'vitest';
import { Buckets, KvKeys, regionIdOf } from '../../core/index.ts';
import { LogLines, Writer, responders, rows, sql, untilRoutes, writeLines, clusterPerFile } from './helpers.ts';

const HOSTS = ['alpha', 'bravo', 'charlie', 'kilo', 'lima', 'mike', 'papa', 'romeo', 'zulu'];
const PARTITIONED = "PARTITION ON COLUMNS (host) (host < 'h', host >= 'h' AND host < 'p', host >= 'p')";

describe('a paused datanode resumes after its regions moved', () => {
  const log = new LogLines();
  const c = clusterPerFile('eddy-fence-', log);
  const url = (i: number) => c.url(i);

  it('its stale appends are refused and skipped, its frontend redirects, nothing acknowledged is lost or doubled', async () => {
    const { routes, kvm, cluster } = c.tc;
    expect((await sql(url(0), `CREATE TABLE t (host STRING, usage DOUBLE, ts TIMESTAMP TIME INDEX, PRIMARY KEY (host)) ${PARTITIONED} WITH ('append_mode' = 'true')`)).status).toBe(200);
    const [[tid]] = (await rows(url(0), "SELECT table_id FROM information_schema.tables WHERE table_name = 't'")) as [[number]];
    const ids = [0, 1, 2].map((n) => regionIdOf(tid, n));
    await untilRoutes(routes, () => ids.every((id) => routes.get(id)), "t's routes");
    const lease = await (await kvm.open(Buckets.nodes)).get(KvKeys.metaLease);
    const leader = (JSON.parse(new TextDecoder().decode(lease!.value)) as { holder: string }).holder;
    // The victim: a datanode hosting a region that is not the meta leader; the writer goes through another node.
    const victim = ids.map((id) => routes.get(id)!.node).find((n) => n !== leader)!;
    const vi = Number(victim.split('-')[1]);
    const wi = [0, 1, 2].find((i) => i !== vi)!;
    const w = new Writer(url(wi), 't', HOSTS, 1_700_000_000_000).start();
    await w.acked(3);
    const moved = ids.filter((id) => routes.get(id)!.node === victim);
    const pid = cluster.manifest.nodes.find((n) => n.id === victim)!.pid;

    process.kill(pid, 'SIGSTOP');
    await untilRoutes(routes, () => moved.every((id) => routes.get(id)!.node !== victim), `${victim}'s regions to move while it is paused`, 60_000);
    // Writes go on at the new leaders; each was also handed to the paused node, which still subscribes to the region.
    const at = w.batches;
    await w.acked(at + 5);
    // Writes through the paused node's own frontend wait in its socket until it resumes.
    const viaStale = [0, 1, 2].map((k) => writeLines(url(vi), HOSTS.map((h) => `t,host=${h} usage=1 ${1_800_000_000_000 + k}`)));
    process.kill(pid, 'SIGCONT');

    const answers = await Promise.all(viaStale);
    expect(answers.map((a) => a.status), JSON.stringify(answers)).toEqual([204, 204, 204]);
    // The resumed node learns its term ended (a refused append or a refused flush) and closes the regions unflushed.
    await log.until(new RegExp(`\\[${victim}\\].*has a newer leader`), 30_000);
    for (const id of moved) await log.until(new RegExp(`\\[${victim}\\].*region ${id} closed`), 30_000);
    await w.acked(w.batches + 5);
    await w.stop();
    expect(w.failures).toEqual([]);
    expect(await rows(url(wi), 'SELECT count(*) FROM t')).toEqual([[w.rows + 3 * HOSTS.length]]);
    for (const id of ids) expect(await responders(c.tc.nc, id), `servers of region ${id}`).toBe(1);
    // A restart of the new leaders replays the WAL holding the stale appends: still once each.
    for (const id of moved) expect(routes.get(id)!.node).not.toBe(victim);
    const fenced = log.lines.filter((l) => l.includes(`[${victim}]`) && l.includes('has a newer leader')).length;
    console.log(`${victim} paused past detection: regions ${moved.join(', ')} moved; ${w.batches} writer batches, ${fenced} fenced refusals logged, slowest ${Math.round(w.maxLatencyMs)} ms`);
  }, 180_000);
});
