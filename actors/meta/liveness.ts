// The meta leader's failure detector: phi accrual over the heartbeats as they arrive here (core/failure_detector.ts),
// confirmed by a probe (a node whose NATS connection is gone has no responders), and the NATS server's disconnect
// advisory where this connection may see it. A slow node on a loaded machine still answers the probe: no flapping.
import type { KV } from '@nats-io/kv';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { errors as natsErrors } from '@nats-io/transport-node';
import { KvKeys, Subjects, heartbeat, newPhiState, phi, verdict, PHI_DEFAULTS, VERDICT_DEFAULTS, type Clock, type PhiOptions, type PhiState } from '../../core/index.ts';

export interface LivenessOptions {
  nc: NatsConnection;
  nodesKv: KV;
  clock: Clock;
  /** The nodes' heartbeat period (the detector's first assumed gap). */
  heartbeatMs: number;
  /** How often phi is evaluated. */
  tickMs?: number;
  /** Called once when a node is declared dead (or left). */
  onDead: (nodeId: string, why: string) => void;
  /** Told of each heartbeat as it arrives (tests wait on it). */
  onBeat?: (nodeId: string) => void;
  log?: (m: string) => void;
}

/** Silence after which a node is dead even though its connection still answers nothing (the old heartbeat expiry). */
const SILENCE_DEAD_MS = 6_000;
/** How long heartbeats must have flowed again after a pause before a silence counts (at least four heartbeats). */
const FLOWING_MS = 2_000;

/** The NATS client name a node connects with, so the server's advisories name the node. */
export const natsClientName = (nodeId: string) => `eddy:${nodeId}`;

export class Liveness {
  private readonly states = new Map<string, PhiState>();
  private readonly dead = new Map<string, number>();
  private readonly probing = new Set<string>();
  private readonly opts: PhiOptions;
  private watcher: { stop(): void } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private advisories: Subscription | null = null;
  private readonly deathListeners = new Set<(nodeId: string) => void>();
  /** When the newest heartbeat of any node arrived, and since when heartbeats arrive without a pause. */
  private lastBeatAt = 0;
  private flowingSince = 0;

  constructor(private readonly o: LivenessOptions) {
    this.opts = { ...PHI_DEFAULTS, firstIntervalMs: o.heartbeatMs, acceptablePauseMs: Math.max(PHI_DEFAULTS.acceptablePauseMs, o.heartbeatMs) };
  }

  async start(): Promise<void> {
    const w = await this.o.nodesKv.watch({ key: KvKeys.nodeAll });
    this.watcher = w;
    void (async () => {
      for await (const e of w) {
        const id = e.key.slice('node.'.length);
        if (e.operation !== 'PUT' || e.value.length === 0) {
          this.declare(id, 'left the cluster');
          continue;
        }
        let s = this.states.get(id);
        const first = !s;
        if (!s) this.states.set(id, (s = newPhiState(this.opts)));
        heartbeat(s, this.o.clock.now());
        // A detector that starts (a new meta leader) takes each node's last heartbeat as fresh, so a node that died
        // before it (with the old leader, say) would only look suspect after a few heartbeat periods. A node whose
        // last heartbeat is already older than two periods is asked at once; only "no responders" (its connection is
        // gone) declares it dead, so a clock that disagrees with the nats-server's costs at most one ping.
        if (first && this.o.clock.now() - e.created.getTime() > 2 * this.o.heartbeatMs) void this.probe(id, 'last heartbeat older than two periods when this detector started');
        const now = this.o.clock.now();
        if (now - this.lastBeatAt > 2 * this.o.heartbeatMs) this.flowingSince = now;
        this.lastBeatAt = now;
        this.o.onBeat?.(id);
        // A node declared dead that beats again came back (restarted with the same id).
        if (this.dead.delete(id)) this.o.log?.(`liveness: ${id} is back`);
      }
    })().catch(() => undefined);
    this.timer = setInterval(() => this.check(), this.o.tickMs ?? 100);
    this.timer.unref();
    try {
      this.advisories = this.o.nc.subscribe(Subjects.sysDisconnect, {
        callback: (err, m) => {
          if (err) return;
          try {
            const name = (JSON.parse(m.string()) as { client?: { name?: string } }).client?.name ?? '';
            const id = name.startsWith('eddy:') ? name.slice(5) : null;
            if (id && this.states.has(id)) void this.probe(id, 'NATS disconnect advisory');
          } catch { /* not an advisory we read */ }
        },
      });
    } catch {
      this.advisories = null;
    }
  }

  /** Judges every node now (the timer calls it every tickMs). */
  check(): void {
    const now = this.o.clock.now();
    // Heartbeats have arrived without a pause long enough for every live node to have beaten once since they resumed.
    const flowing = this.lastBeatAt - this.flowingSince >= Math.max(FLOWING_MS, 4 * this.o.heartbeatMs);
    for (const [id, s] of this.states) {
      if (this.dead.has(id)) continue;
      const v = verdict(s, now, VERDICT_DEFAULTS, this.opts);
      // Phi alone declares a node dead only after a long silence (a connected node whose event loop is blocked at
      // start-up on a loaded machine must not be); sooner, only the probe's "no responders" does. The silence is
      // counted up to the newest heartbeat of any node, and only once heartbeats flow again after a pause: while
      // none arrives (the nodes bucket's stream is electing a leader after a nats-server went) every node is silent,
      // and the first to beat again must not make the others look dead.
      const silence = Math.min(now, this.lastBeatAt) - s.last!;
      if (v === 'dead' && flowing && silence >= SILENCE_DEAD_MS) this.declare(id, `no heartbeat for ${Math.round(now - s.last!)} ms while other nodes beat (phi ${phi(s, now, this.opts).toFixed(1)})`);
      else if (v !== 'alive') void this.probe(id, `phi ${phi(s, now, this.opts).toFixed(1)}`);
    }
  }

  /** Asks the node; only "no responders" (its connection is gone) declares it dead. */
  private async probe(id: string, why: string): Promise<void> {
    if (this.probing.has(id) || this.dead.has(id)) return;
    this.probing.add(id);
    try {
      await this.o.nc.request(Subjects.nodePing(id), '', { timeout: 1_000 });
    } catch (e) {
      const gone = e instanceof natsErrors.NoRespondersError || (e instanceof natsErrors.RequestError && e.isNoResponders());
      if (gone) this.declare(id, `${why}, and its connection is gone`);
    } finally {
      this.probing.delete(id);
    }
  }

  private declare(id: string, why: string): void {
    if (this.dead.has(id)) return;
    this.dead.set(id, this.o.clock.now());
    this.states.delete(id);
    this.o.log?.(`liveness: ${id} is down: ${why}`);
    this.o.onDead(id, why);
    for (const l of this.deathListeners) l(id);
  }

  /** Calls `fn` with each node declared dead from now on; returns an unsubscribe function. */
  onDeath(fn: (nodeId: string) => void): () => void {
    this.deathListeners.add(fn);
    return () => this.deathListeners.delete(fn);
  }

  /** Nodes declared dead since this leader started, with when. */
  deadSince(id: string): number | null {
    return this.dead.get(id) ?? null;
  }

  /** Whether the detector has an opinion: a node it tracks (heartbeats seen) or declared dead. */
  knows(id: string): boolean {
    return this.states.has(id) || this.dead.has(id);
  }

  isDead(id: string): boolean {
    return this.dead.has(id);
  }

  stop(): void {
    this.watcher?.stop();
    if (this.timer) clearInterval(this.timer);
    this.advisories?.unsubscribe();
  }
}

/** Every cluster node answers its ping subject, so the detector can tell a slow node from a gone one. */
export function answerPings(nc: NatsConnection, nodeId: string): Subscription {
  return nc.subscribe(Subjects.nodePing(nodeId), { callback: (err, m) => { if (!err) m.respond(''); } });
}
