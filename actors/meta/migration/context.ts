// What every migration state shares: the procedure's context, the ports its steps act through, and the shape of a step.
import { MetaUnavailableError, type MigrationOp } from '../../../core/index.ts';

export interface StepRecord {
  state: string;
  /** When the step started (ms since the epoch) and how long it took. */
  at: number;
  ms: number;
}

export interface MigrationContext {
  id: string;
  regionId: string;
  /** Node ids (not peer ids). */
  from: string;
  to: string;
  /** admin | rebalance | drain */
  reason: string;
  startedAt: number;
  /** Past this time (ms since the epoch) a migration that has not upgraded its candidate rolls back. */
  deadline: number;
  /** The leader's last WAL sequence once downgraded. */
  lastSeq: number | null;
  /** The candidate took over writes: from here on the migration only goes forward. */
  upgraded: boolean;
  /** Why it failed or rolled back, and at which step. */
  error: string | null;
  failedAt: string | null;
  steps: StepRecord[];
  /** Attempts of the current step (steps past the upgrade retry instead of rolling back). */
  attempts: number;
}

/** The I/O a step does, provided by the meta leader's host (NATS requests, the routes bucket, the clock). */
export interface MigrationPorts {
  /** Runs a migration step on a datanode; answers the region's WAL sequence where the step has one. */
  node(nodeId: string, op: MigrationOp, regionId: string, timeoutMs: number): Promise<number | null>;
  /** The node a region is routed to, or null. */
  routeOf(regionId: string): Promise<string | null>;
  /** Writes the region's route (fenced by the leader's term). */
  setRoute(regionId: string, nodeId: string): Promise<void>;
  /** Whether a node is a live datanode. */
  isLiveDatanode(nodeId: string): Promise<boolean>;
  now(): number;
}

/** What a step's run answers: changes to the context. */
export type StepPatch = Partial<Pick<MigrationContext, 'lastSeq' | 'upgraded'>>;

export interface MigrationStep {
  /** The machine state this step is. */
  state: string;
  /** Where the machine goes when the step succeeds. */
  next: string;
  /** Where it goes when the step fails: `rollback`, the step itself (retried), or `done`. */
  onFailure: string;
  /** Past the deadline, the machine rolls back instead of going on (steps before the upgrade). */
  rollsBackOnTimeout: boolean;
  /** A step retried this many times then gives up to `failed`. */
  maxAttempts?: number;
  run(p: MigrationPorts, c: Readonly<MigrationContext>): Promise<StepPatch>;
}

/** Time left before the deadline for one request, at least `min` ms. */
export function budget(p: MigrationPorts, c: Readonly<MigrationContext>, max: number, min = 1_000): number {
  return Math.max(min, Math.min(max, c.deadline - p.now()));
}

/** True for an error that means no node answered at all (the node is gone), as opposed to a node that said no. */
export function isNoResponders(e: unknown): boolean {
  const m = (e as Error)?.message ?? '';
  return (e as { code?: string })?.code === '503' || /no responders/i.test(m) || (e as { isNoResponders?: () => boolean })?.isNoResponders?.() === true;
}

export class MigrationStepError extends MetaUnavailableError {}
