// The Prometheus HTTP API as the e2e tests call it: GET with a query string or POST with a form, JSON back.
export async function promApi(baseUrl: string, path: string, params: Record<string, string | string[]>, method: 'GET' | 'POST' = 'GET'): Promise<{ status: number; body: any }> {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  const r = method === 'GET'
    ? await fetch(`${baseUrl}/v1/prometheus/api/v1/${path}?${p}`)
    : await fetch(`${baseUrl}/v1/prometheus/api/v1/${path}`, { method: 'POST', body: p });
  return { status: r.status, body: await r.json() };
}
