// Serves /v1/sql over the in-memory context, to run GreptimeDB's sqlness cases without a node:
//   npx tsx tests/sql/serve_memory.ts 4999 & node ../shared/conformance/sqlness.mjs --url http://127.0.0.1:4999
import { createServer } from 'node:http';
import { sqlHandler } from '../../actors/gateway/http/sql.ts';
import { MemoryCatalog } from './memory_context.ts';

const cat = new MemoryCatalog();
cat.nowMs = Date.now();
const handle = sqlHandler((db) => { cat.nowMs = Date.now(); return cat.context(db); });
const port = Number(process.argv[2] ?? 4999);
createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (url.pathname !== '/v1/sql') { res.writeHead(404).end(); return; }
    void handle(req, url, async () => Buffer.concat(chunks)).then((r) => {
      res.writeHead(r.status, { 'content-type': r.contentType ?? 'application/json' });
      res.end(r.body);
    });
  });
}).listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
