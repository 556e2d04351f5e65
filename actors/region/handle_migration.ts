// A datanode's side of region migration: answers the meta leader's steps on eddy.meta.node.<id>.migration.
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { EddyError, MetaUnavailableError, MigrationOps, StatusCode, Subjects, toWireError, type MigrationOp } from '../../core/index.ts';
import type { Supervisor } from './supervisor.ts';

export interface MigrationRequest {
  op: MigrationOp;
  regionId: string;
  /** The meta leader's term (its lease revision when it began leading): a step of an older term is refused. */
  term?: number;
}

/**
 * The newest meta term this datanode knows of: the newest it has taken a migration step from, and the term that last
 * claimed the routes (`claimed`, read for every step: a new leader claims them before it resumes any migration). A
 * leader whose lease ran out (paused, then woken) is refused even by a node the new leader has sent nothing yet.
 */
export class TermFence {
  private newest = 0;

  constructor(private readonly claimed?: () => Promise<number>) {}

  /** Throws when `term` is older than one known; a request without a term (an older meta node) passes. */
  async admit(term: number | undefined): Promise<void> {
    if (typeof term !== 'number') return;
    if (this.claimed) this.newest = Math.max(this.newest, await this.claimed());
    if (term < this.newest) throw new MetaUnavailableError(`migration step from meta term ${term} refused: a newer meta leader (term ${this.newest}) runs migrations now`);
    this.newest = term;
  }
}

/** Runs one step on this node; answers the region's last WAL sequence where the step has one. */
export async function runMigrationOp(sup: Supervisor, req: MigrationRequest): Promise<number | null> {
  const id = req.regionId;
  const leader = () => {
    const h = sup.hosted(id);
    if (!h) throw new EddyError(StatusCode.RegionNotFound, `region ${id} is not open on this node`);
    return h;
  };
  switch (req.op) {
    case MigrationOps.hold:
      await leader().hold();
      return leader().lastSeq;
    case MigrationOps.openCandidate:
      return sup.openCandidate(id);
    case MigrationOps.downgrade:
      return leader().downgrade();
    case MigrationOps.catchUp: {
      const c = sup.candidates.get(id) ?? sup.hosted(id);
      if (!c) throw new EddyError(StatusCode.RegionNotFound, `region ${id} has no migration candidate on this node`);
      return c.catchUp();
    }
    case MigrationOps.retire: {
      // A leader already closed (a resumed migration) has nothing left to retire.
      await sup.hosted(id)?.retire();
      return null;
    }
    case MigrationOps.upgrade:
      return sup.upgradeCandidate(id);
    case MigrationOps.closeOld:
      await sup.closeMoved(id);
      return null;
    case MigrationOps.dropCandidate:
      await sup.dropCandidate(id);
      return null;
    case MigrationOps.release:
      await sup.hosted(id)?.release();
      return null;
    default:
      throw new EddyError(StatusCode.Unsupported, `unknown migration step '${String(req.op)}'`);
  }
}

/** Subscribes this datanode to its migration subject; `claimedTerm` reads the term that holds the routes. */
export function listenMigration(nc: NatsConnection, nodeId: string, sup: Supervisor, log: (m: string) => void, claimedTerm?: () => Promise<number>): Subscription {
  const fence = new TermFence(claimedTerm);
  return nc.subscribe(Subjects.nodeMigration(nodeId), {
    callback: (err, msg) => {
      if (!err) void answer(sup, msg, log, fence);
    },
  });
}

async function answer(sup: Supervisor, msg: Msg, log: (m: string) => void, fence: TermFence): Promise<void> {
  let req: MigrationRequest | null = null;
  try {
    req = JSON.parse(new TextDecoder().decode(msg.data)) as MigrationRequest;
    if (typeof req?.op !== 'string' || typeof req.regionId !== 'string') throw new EddyError(StatusCode.InvalidArguments, 'a migration step needs "op" and "regionId"');
    await fence.admit(req.term);
    const seq = await runMigrationOp(sup, req);
    msg.respond(JSON.stringify({ ok: true, seq }));
  } catch (e) {
    log(`migration: ${req?.op ?? '?'} of region ${req?.regionId ?? '?'} failed: ${(e as Error).message}`);
    const h = natsHeaders();
    h.set('Eddy-Error', '1');
    msg.respond(JSON.stringify({ ok: false, error: toWireError(e) }), { headers: h });
  }
}
