// GET /dashboard: the node's own web console (SQL/PromQL, tables, flows, logs, cluster), served from static/ and uPlot.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { PACKAGE_ROOT } from '../../runtime/package_root.ts';
import type { RouteTable, HttpReply } from '../http/routes.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Every asset read once at start: the page is small, and serving from memory keeps it fast and independent of cwd. */
function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const assets = new Map<string, { body: Buffer; type: string }>();
  const dir = join(PACKAGE_ROOT, 'actors', 'gateway', 'dashboard', 'static');
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, { body: readFileSync(join(dir, name)), type });
  }
  // uPlot ships with the package (an npm dependency), so the page needs no CDN.
  const require = createRequire(import.meta.url);
  assets.set('uplot.js', { body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')), type: TYPES['.js']! });
  assets.set('uplot.css', { body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')), type: TYPES['.css']! });
  return assets;
}

export function registerDashboardRoutes(routes: RouteTable): void {
  let assets: Map<string, { body: Buffer; type: string }> | undefined;
  const serve = (name: string): HttpReply => {
    assets ??= loadAssets();
    const a = assets.get(name);
    if (!a) return { status: 404, contentType: 'application/json', body: JSON.stringify({ error: `no dashboard asset ${name}` }) };
    return { status: 200, body: a.body, contentType: a.type, headers: { 'cache-control': 'no-cache' } };
  };
  routes.add({ methods: ['GET'], path: '/dashboard', access: 'user', handler: async () => serve('index.html') });
  routes.add({
    methods: ['GET'], path: '/dashboard/', prefix: true, access: 'user',
    handler: async (_req, url) => serve(url.pathname.slice('/dashboard/'.length) || 'index.html'),
  });
}
