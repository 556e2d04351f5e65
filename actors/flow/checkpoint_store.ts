// A flow's checkpoints in the state KV bucket: a head under the flow's key and its pieces under `<key>.w<id>.<n>`
// (incremental: one part per window, written again only when the window changed) or, from before incremental
// checkpoints, `<key>.g<gen>.<n>` (the whole state); the older form is still read, and purged after the next save.
import type { KV } from '@nats-io/kv';
import { EddyError, StatusCode } from '../../core/index.ts';
import { decodeSnapshot, type Flow, type FlowCheckpointHead } from '../../streams/index.ts';
import { kvKeys } from '../runtime/kv_keys.ts';

/** KV values are kept under NATS's max payload. */
const CHUNK = 512 * 1024;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** A whole-state checkpoint in `chunks` pieces of generation `gen`. */
interface WholeHead { version: 1; gen: number; chunks: number; positions: Record<string, number>; savedAt: number }
/** An incremental checkpoint: the flow's header and its windows, each stored as a part of its own. */
interface PartsHead { version: 2; flow: FlowCheckpointHead; parts: { id: number; final: boolean; chunks: number }[]; nextId: number; positions: Record<string, number>; savedAt: number }

export class FlowCheckpointStore {
  /** Parts the stored head references: id -> chunks. */
  private parts = new Map<number, number>();
  private nextId = 1;
  /** The generation of a whole-state checkpoint still stored (0: none). */
  private gen = 0;

  constructor(private readonly kv: KV, private readonly key: string, private readonly flowName: string) {}

  /** Restores `flow` from the stored checkpoint; its WAL positions, or null when there is none. */
  async load(flow: Flow): Promise<Record<string, number> | null> {
    const head = await this.kv.get(this.key);
    if (!head || head.operation !== 'PUT' || !head.value.length) return null;
    const h = JSON.parse(dec.decode(head.value)) as WholeHead | PartsHead;
    if (h.version === 2) {
      const parts = [];
      for (const p of h.parts) {
        parts.push({ id: p.id, final: p.final, bytes: await this.read(`${this.key}.w${p.id}`, p.chunks) });
        this.parts.set(p.id, p.chunks);
      }
      flow.restoreParts(h.flow, parts);
      this.nextId = h.nextId;
    } else {
      flow.restore(decodeSnapshot(await this.read(`${this.key}.g${h.gen}`, h.chunks)));
      this.gen = h.gen;
    }
    return h.positions;
  }

  /**
   * Stores a checkpoint of `flow` as of `positions` (taken with it, before any await). Only windows changed since
   * their stored part are written, under new ids, so the stored checkpoint stays whole until the new head replaces
   * it; parts no head references any more are purged after. `beforeHead` runs once the parts are stored.
   */
  async save(flow: Flow, positions: Record<string, number>, beforeHead: () => Promise<void>, now: number): Promise<void> {
    const { head: flowHead, parts, commit } = flow.checkpointParts(() => this.nextId++);
    await beforeHead();
    const refs: PartsHead['parts'] = [];
    const written = new Map<number, number>();
    for (const p of parts) {
      if (p.bytes) {
        const chunks = Math.max(1, Math.ceil(p.bytes.length / CHUNK));
        for (let n = 0; n < chunks; n++) await this.kv.put(`${this.key}.w${p.id}.${n}`, p.bytes.subarray(n * CHUNK, (n + 1) * CHUNK));
        written.set(p.id, chunks);
      }
      const chunks = written.get(p.id) ?? this.parts.get(p.id);
      if (chunks === undefined) throw new EddyError(StatusCode.Internal, `flow ${this.flowName}: checkpoint part ${p.id} is unchanged but was never stored`);
      refs.push({ id: p.id, final: p.final, chunks });
    }
    const head: PartsHead = { version: 2, flow: flowHead, parts: refs, nextId: this.nextId, positions, savedAt: now };
    await this.kv.put(this.key, enc.encode(JSON.stringify(head)));
    commit();
    const keep = new Set(refs.map((r) => r.id));
    for (const id of new Set([...this.parts.keys(), ...written.keys()])) if (!keep.has(id)) await this.purge(`${this.key}.w${id}.>`);
    this.parts = new Map(refs.map((r) => [r.id, r.chunks]));
    if (this.gen > 0) {
      await this.purge(`${this.key}.g${this.gen}.>`);
      this.gen = 0;
    }
  }

  private async read(prefix: string, chunks: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (let n = 0; n < chunks; n++) {
      const e = await this.kv.get(`${prefix}.${n}`);
      if (!e) throw new EddyError(StatusCode.StorageUnavailable, `flow ${this.flowName}: checkpoint chunk ${prefix}.${n} is missing`);
      parts.push(e.value);
    }
    const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) { all.set(p, at); at += p.length; }
    return all;
  }

  private async purge(filter: string): Promise<void> {
    for (const k of await kvKeys(this.kv, filter)) await this.kv.purge(k).catch(() => undefined);
  }
}
