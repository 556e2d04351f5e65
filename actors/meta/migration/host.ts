// The meta leader's migrations: accepts ADMIN requests, runs one Migration actor per region, persists its snapshot after
// every step, and on becoming leader resumes the ones a previous leader left running.
import { randomUUID } from 'node:crypto';
import { createActor, fromPromise, type Actor } from 'xstate';
import type { KV } from '@nats-io/kv';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  EddyError, MetaUnavailableError, StatusCode, Subjects, fromWireError, toWireError, type Clock, type MigrationOp, type WireError,
} from '../../../core/index.ts';
import { readRoute, type RouteWriter } from '../routes.ts';
import { listLiveNodes } from '../registry.ts';
import { Roles } from '../../config.ts';
import { listProcedures, procedureInfoOf, readProcedure, readProcedureEntry, writeProcedure, type ProcedureRecord } from '../procedure_store.ts';
import { isConflict } from '../lease/host.ts';
import { peerIdOf } from '../peers.ts';
import type { MigrationPorts } from './context.ts';
import { STEP_BY_STATE, migrationMachine, statusOf, type MigrationInput, type StepInput, type StepOutput } from './machine.ts';

const dec = new TextDecoder();

export interface MigrationHostOptions {
  nc: NatsConnection;
  proceduresKv: KV;
  routesKv: KV;
  /** Route writes, fenced by the leader's term (a stale leader's switch is refused). */
  routeWriter: RouteWriter;
  nodesKv: KV;
  clock: Clock;
  /** The leader's term (lease revision) route writes are fenced with; null once it is no longer leading. */
  epoch: () => number | null;
  /** The lease revision this term began with: datanodes refuse steps of an older term (null once not leading). */
  term?: () => number | null;
  log: (m: string) => void;
  /** The failure detector: a step waiting on a node declared dead stops waiting (and the migration rolls back). */
  liveness?: { isDead(nodeId: string): boolean; onDeath(fn: (nodeId: string) => void): () => void } | null;
  /** Other procedure requests (rebalance, drain) answered by the rebalancer. */
  extra?: (req: SubmitRequest) => Promise<unknown> | null;
}

export interface SubmitRequest {
  op: 'migrate' | 'rebalance' | 'drain';
  regionId?: string;
  fromPeer?: number;
  toPeer?: number;
  timeoutSecs?: number | null;
  peer?: number;
}

export const MIGRATION_DEFAULT_TIMEOUT_MS = 60_000;

/** Tries of claiming a resumed migration's record while another writer changes it. */
const CLAIM_TRIES = 10;

export class MigrationHost {
  private readonly running = new Map<string, { actor: Actor<typeof migrationMachine>; regionId: string; done: Promise<ProcedureRecord> }>();
  private sub: Subscription | null = null;
  private stopped = false;
  private readonly ports: MigrationPorts;
  /** Called when a migration ends (the rebalancer counts its moves). */
  onEnd: ((r: ProcedureRecord) => void) | null = null;

  constructor(private readonly o: MigrationHostOptions) {
    this.ports = {
      node: (node, op, regionId, timeoutMs) => this.nodeStep(node, op, regionId, timeoutMs),
      routeOf: async (regionId) => (await readRoute(o.routesKv, regionId))?.node ?? null,
      setRoute: async (regionId, node) => {
        const epoch = o.epoch();
        if (epoch === null) throw new MetaUnavailableError('no longer the meta leader');
        await o.routeWriter.write(regionId, { node, epoch, at: o.clock.now() });
      },
      isLiveDatanode: async (node) => (await listLiveNodes(o.nodesKv, o.clock, Roles.datanode)).some((n) => n.id === node),
      now: () => o.clock.now(),
    };
  }

  /** Answers procedure requests, and resumes every migration a previous leader left running. */
  async start(): Promise<void> {
    this.sub = this.o.nc.subscribe(Subjects.procedureSubmit, { callback: (err, msg) => { if (!err) void this.onSubmit(msg); } });
    for (const listed of await listProcedures(this.o.proceduresKv)) {
      if (listed.status === 'Done' || listed.status === 'Failed' || this.running.has(listed.id)) continue;
      const claimed = await this.claim(listed.id);
      if (!claimed || this.stopped) continue;
      const r = claimed.record;
      this.o.log(`migration ${r.id}: resuming region ${r.regionId} ${r.from} -> ${r.to} at ${r.state}`);
      this.run(r, claimed.revision, r.snapshot);
    }
  }

  /**
   * Makes a running migration's record this leader's: re-written as read, compare-and-set on its revision. From then
   * on a previous leader that still runs it (paused, not dead) fails to persist its next step and stops; its steps
   * on datanodes and its route writes are refused by the term. Null when it ended meanwhile.
   */
  private async claim(id: string): Promise<{ record: ProcedureRecord; revision: number } | null> {
    for (let i = 0; i < CLAIM_TRIES; i++) {
      const e = await readProcedureEntry(this.o.proceduresKv, id);
      if (!e || e.record.status === 'Done' || e.record.status === 'Failed') return null;
      try {
        return { record: e.record, revision: await writeProcedure(this.o.proceduresKv, e.record, e.revision) };
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
    throw new MetaUnavailableError(`migration ${id}: its record kept changing while this leader claimed it`);
  }

  /** Stops the actors without ending them: the next leader resumes them from their last persisted step. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sub?.unsubscribe();
    this.sub = null;
    for (const { actor } of this.running.values()) actor.stop();
    this.running.clear();
  }

  /** Regions with a migration in flight: placement leaves them alone. */
  busy(): Set<string> {
    return new Set([...this.running.values()].map((r) => r.regionId));
  }

  get inFlight(): number {
    return this.running.size;
  }

  /** Starts a migration of `regionId` from node `from` to node `to`; the procedure id. */
  async migrate(regionId: string, from: string, to: string, timeoutMs = MIGRATION_DEFAULT_TIMEOUT_MS, reason = 'admin'): Promise<{ id: string; done: Promise<ProcedureRecord> }> {
    if (this.stopped) throw new MetaUnavailableError('no longer the meta leader');
    if (this.busy().has(regionId)) throw new EddyError(StatusCode.InvalidArguments, `region ${regionId} is already migrating`);
    const owner = await this.ports.routeOf(regionId);
    if (owner !== from) throw new EddyError(StatusCode.InvalidArguments, `region ${regionId} is on peer ${owner === null ? 'none' : peerIdOf(owner)}, not on peer ${peerIdOf(from)}`);
    if (!(await this.ports.isLiveDatanode(to))) throw new EddyError(StatusCode.InvalidArguments, `peer ${peerIdOf(to)} is not a live datanode`);
    const now = this.o.clock.now();
    const id = randomUUID();
    const rec: ProcedureRecord = {
      id, type: 'migrate_region', regionId, from, to, reason, state: 'start', status: 'Running', startedAt: now, endedAt: null, error: null, steps: [], snapshot: null,
    };
    const revision = await writeProcedure(this.o.proceduresKv, rec, null);
    this.o.log(`migration ${id}: region ${regionId} ${from} -> ${to} (${reason})`);
    const done = this.run(rec, revision, null, { id, regionId, from, to, reason, startedAt: now, deadline: now + timeoutMs });
    return { id, done };
  }

  /** Runs a migration from its record (at `revision`), resuming `snapshot` if any; its record is rewritten after each step. */
  private run(rec: ProcedureRecord, revision: number, snapshot: unknown, input?: MigrationInput): Promise<ProcedureRecord> {
    const step = fromPromise<StepOutput, StepInput>(async ({ input: i }) => {
      const spec = STEP_BY_STATE.get(i.state)!;
      const at = this.o.clock.now();
      const patch = await spec.run(this.ports, i.context);
      return { patch, at, ms: this.o.clock.now() - at };
    });
    const machine = migrationMachine.provide({ actors: { step } });
    const actor = snapshot
      ? createActor(machine, { snapshot: snapshot as never, input: input ?? ({} as MigrationInput) })
      : createActor(machine, { input: input! });
    let last = '';
    let finished = false;
    let chain: Promise<void> = Promise.resolve();
    /** Another leader took the record over: this actor writes nothing more. */
    let lost = false;
    let current = rec;
    const done = new Promise<ProcedureRecord>((resolve) => {
      actor.subscribe((snap) => {
        const state = String(snap.value);
        if (finished || (state === last && snap.status !== 'done')) return;
        last = state;
        const final = snap.status === 'done';
        finished = final;
        const c = snap.context;
        current = {
          ...current, state, status: statusOf(state), error: c.error, steps: c.steps,
          endedAt: final ? this.o.clock.now() : null, snapshot: final ? null : actor.getPersistedSnapshot(),
        };
        const r = current;
        chain = chain.then(async () => {
          if (lost) return;
          // A leader whose lease lapsed (it was paused, say) persists nothing: the next leader owns the record.
          if (this.termNow() === null) throw new MetaUnavailableError('no longer the meta leader');
          revision = await writeProcedure(this.o.proceduresKv, r, revision);
        }).catch((e) => {
          const taken = isConflict(e) || e instanceof MetaUnavailableError;
          this.o.log(`migration ${r.id}: persisting ${state} failed: ${taken ? 'another meta leader runs it now; stopped here' : (e as Error).message}`);
          if (!taken) return;
          lost = true;
          actor.stop();
          if (this.running.get(rec.id)?.actor === actor) this.running.delete(rec.id);
        });
        if (final) {
          void chain.then(() => {
            if (lost) return;
            this.running.delete(rec.id);
            this.o.log(`migration ${r.id}: region ${r.regionId} ${r.status}${r.error ? ` (${r.error})` : ''} in ${r.endedAt! - r.startedAt} ms`);
            this.onEnd?.(r);
            resolve(r);
          });
        }
      });
    });
    this.running.set(rec.id, { actor, regionId: rec.regionId, done });
    actor.start();
    return done;
  }

  /** One step on a datanode: a NATS request to its migration subject. */
  private async nodeStep(node: string, op: MigrationOp, regionId: string, timeoutMs: number): Promise<number | null> {
    const l = this.o.liveness;
    const down = () => Object.assign(new MetaUnavailableError(`no responders: ${node} is down (failure detector)`), { isNoResponders: () => true });
    if (l?.isDead(node)) throw down();
    const term = this.termNow();
    if (term === null) throw new MetaUnavailableError(`no longer the meta leader: step ${op} of region ${regionId} not sent`);
    const req = this.o.nc.request(Subjects.nodeMigration(node), JSON.stringify({ op, regionId, term }), { timeout: timeoutMs });
    let off: () => void = () => undefined;
    const gone = new Promise<never>((_, reject) => {
      off = l?.onDeath((n) => { if (n === node) reject(down()); }) ?? off;
    });
    req.catch(() => undefined);
    gone.catch(() => undefined);
    let m;
    try {
      m = await Promise.race([req, gone]);
    } finally {
      off();
    }
    const body = JSON.parse(dec.decode(m.data)) as { ok: boolean; seq?: number | null; error?: WireError };
    if (!body.ok) throw fromWireError(body.error ?? { code: StatusCode.Internal, name: 'Internal', message: `${op} failed on ${node}` });
    return body.seq ?? null;
  }

  /** This leader's term while it leads (undefined: no term given, as in tests without one), null once it does not. */
  private termNow(): number | null | undefined {
    return this.o.term ? this.o.term() : undefined;
  }

  /** The node id of a numeric peer id among the live datanodes. */
  async nodeOfPeer(peer: number): Promise<string> {
    const live = await listLiveNodes(this.o.nodesKv, this.o.clock, Roles.datanode);
    const n = live.find((x) => peerIdOf(x.id) === peer);
    if (!n) throw new EddyError(StatusCode.InvalidArguments, `no live datanode with peer id ${peer} (live: ${live.map((x) => peerIdOf(x.id)).join(', ') || 'none'})`);
    return n.id;
  }

  private async onSubmit(msg: Msg): Promise<void> {
    try {
      const req = JSON.parse(dec.decode(msg.data)) as SubmitRequest;
      let out: unknown;
      if (req.op === 'migrate') {
        if (typeof req.regionId !== 'string' || typeof req.fromPeer !== 'number' || typeof req.toPeer !== 'number') throw new EddyError(StatusCode.InvalidArguments, 'migrate needs regionId, fromPeer and toPeer');
        const from = await this.nodeOfPeer(req.fromPeer).catch(async () => {
          // The leader may be a node that just died: the route names it even if it no longer heartbeats.
          const owner = await this.ports.routeOf(req.regionId!);
          if (owner && peerIdOf(owner) === req.fromPeer) return owner;
          throw new EddyError(StatusCode.InvalidArguments, `region ${req.regionId} is not on peer ${req.fromPeer}`);
        });
        const to = await this.nodeOfPeer(req.toPeer);
        out = { id: (await this.migrate(req.regionId, from, to, req.timeoutSecs ? req.timeoutSecs * 1000 : MIGRATION_DEFAULT_TIMEOUT_MS)).id };
      } else {
        const handled = this.o.extra?.(req);
        if (!handled) throw new EddyError(StatusCode.Unsupported, `procedure request '${String(req.op)}' is not served by this meta leader`);
        out = await handled;
      }
      msg.respond(JSON.stringify({ ok: true, ...(out as object) }));
    } catch (e) {
      msg.respond(JSON.stringify({ ok: false, error: toWireError(e) }));
    }
  }

  /** A procedure record by id (tests). */
  record(id: string): Promise<ProcedureRecord | null> {
    return readProcedure(this.o.proceduresKv, id);
  }

  info(r: ProcedureRecord) {
    return procedureInfoOf(r);
  }
}
