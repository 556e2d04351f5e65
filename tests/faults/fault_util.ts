// Shared by the fault tests: a seeded random source (the seed is printed so a failing run can be replayed) and SQL rows over HTTP.

const BASE_SEED = Number(process.env.EDDY_FAULT_SEED ?? Date.now() % 2 ** 31);

/**
 * A PRNG seeded from EDDY_FAULT_SEED or the clock (mulberry32); the seed is logged. Runs of one test started together
 * pass their index as `salt`, so each has its own sequence and one EDDY_FAULT_SEED replays them all.
 */
export function faultRandom(salt = 0): () => number {
  const base = BASE_SEED;
  let seed = (base + salt * 7919) | 0;
  console.log(`fault seed ${base}${salt ? ` (run ${salt})` : ''} (replay with EDDY_FAULT_SEED=${base})`);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The rows of a SQL query as objects (column name -> value), or throws with the server's error. */
export async function sqlRows(url: string, sql: string, db = 'public', headers: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  const r = await fetch(`${url}/v1/sql?db=${db}`, { method: 'POST', body: new URLSearchParams({ sql }), headers });
  const body = (await r.json()) as { error?: string; output?: { records: { schema: { column_schemas: { name: string }[] }; rows: unknown[][] } }[] };
  if (r.status !== 200 || !body.output) throw new Error(`SQL failed (${r.status}): ${body.error}`);
  const rec = body.output[0]!.records;
  const names = rec.schema.column_schemas.map((c) => c.name);
  return rec.rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
}
