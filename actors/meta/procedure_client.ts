// ADMIN procedures as a frontend runs them: requests go to the meta leader, states and records are read from eddy_procedures.
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { errors as natsErrors } from '@nats-io/transport-node';
import { MetaUnavailableError, StatusCode, Subjects, fromWireError, type ProcedureOps, type WireError } from '../../core/index.ts';
import { listProcedures, listRegionEvents, procedureInfoOf, procedureStateOf, readProcedure, regionEventsOf } from './procedure_store.ts';
import type { SubmitRequest } from './migration/host.ts';

const dec = new TextDecoder();

/** Asks the meta leader; a leader that is being elected is waited for a little (no responders are retried). */
async function submit<T>(nc: NatsConnection, req: SubmitRequest, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let backoff = 50; ; backoff = Math.min(backoff * 2, 1_000)) {
    try {
      const m = await nc.request(Subjects.procedureSubmit, JSON.stringify(req), { timeout: Math.max(1_000, deadline - Date.now()) });
      const body = JSON.parse(dec.decode(m.data)) as { ok: boolean; error?: WireError } & T;
      if (!body.ok) throw fromWireError(body.error ?? { code: StatusCode.Internal, name: 'Internal', message: 'procedure request failed' });
      return body;
    } catch (e) {
      const none = e instanceof natsErrors.NoRespondersError || (e instanceof natsErrors.RequestError && e.isNoResponders());
      if (!none) throw e;
      if (Date.now() + backoff > deadline) throw new MetaUnavailableError('no meta leader answers procedure requests: is a meta node up?', e);
      await new Promise((r) => setTimeout(r, backoff));
    }
  }
}

export function procedureOps(nc: NatsConnection, kv: KV): ProcedureOps {
  return {
    migrateRegion: async (regionId, fromPeer, toPeer, timeoutSecs) => (await submit<{ id: string }>(nc, { op: 'migrate', regionId, fromPeer, toPeer, timeoutSecs })).id,
    state: async (id) => {
      const r = await readProcedure(kv, id);
      return r ? procedureStateOf(r) : null;
    },
    list: async () => (await listProcedures(kv)).map(procedureInfoOf),
    events: async () => regionEventsOf(await listProcedures(kv), await listRegionEvents(kv)),
    rebalance: async () => (await submit<{ started: number }>(nc, { op: 'rebalance' })).started,
    drainNode: async (peer) => (await submit<{ started: number }>(nc, { op: 'drain', peer })).started,
  };
}
