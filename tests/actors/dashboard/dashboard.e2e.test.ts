// The dashboard in a real browser (Debian's chromium through playwright-core): the page loads, a SQL query renders
// its table and a chart (canvas not blank), PromQL charts too, the flows view receives a live update, and a
// screenshot is kept under test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, startNode, tempDir, until } from '../../harness/index.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const ARTIFACTS = join(ROOT, 'test-artifacts');

async function sql(url: string, q: string): Promise<{ status: number; body: { output?: { records?: { rows: unknown[][] } }[]; error?: string } }> {
  const r = await fetch(`${url}/v1/sql`, { method: 'POST', body: new URLSearchParams({ sql: q, db: 'public' }) });
  return { status: r.status, body: await r.json() as never };
}

/** Whether a canvas in the element has any non-transparent pixel (uPlot draws its lines there). */
async function canvasDrawn(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => {
    const c = el.querySelector('canvas');
    if (!c) return false;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
    return false;
  });
}

describe.skipIf(!CHROMIUM)('dashboard in headless Chromium', () => {
  let node: Awaited<ReturnType<typeof startNode>>;
  let dir: ReturnType<typeof tempDir>;
  let browser: Browser;
  let page: Page;
  const base = Date.now() - 10 * 60_000;

  beforeAll(async () => {
    dir = tempDir();
    node = await startNode({ data: dir.path });
    expect((await sql(node.url, 'CREATE TABLE cpu (host STRING, ts TIMESTAMP TIME INDEX, usage DOUBLE, PRIMARY KEY (host))')).status).toBe(200);
    const rows: string[] = [];
    for (let i = 0; i < 20; i++) for (const h of ['a', 'b']) rows.push(`('${h}', ${base + i * 30_000}, ${h === 'a' ? i : 40 - i})`);
    expect((await sql(node.url, `INSERT INTO cpu VALUES ${rows.join(', ')}`)).status).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${node.url}/dashboard`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(errors).toEqual([]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    dir?.cleanup();
  });

  it('runs SQL from the console: a table of the rows and a chart with a line per host', async () => {
    await page.fill('#query', 'SELECT host, ts, usage FROM cpu ORDER BY host, ts');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#result table');
    expect(await page.$$eval('#result tbody tr', (trs) => trs.length)).toBe(40);
    expect(await page.$$eval('#result th', (ths) => ths.map((t) => t.textContent))).toEqual(['host', 'ts', 'usage']);
    expect(await page.textContent('#status')).toMatch(/^40 rows/);
    await page.waitForSelector('#chart canvas');
    expect(await canvasDrawn(page, '#chart')).toBe(true);
    // One legend entry per host (uPlot's legend: the x series then one per line).
    expect(await page.$$eval('#chart .u-legend .u-series', (s) => s.length)).toBe(3);
    // The query is in the history, and an error shows as an error, not a blank table.
    expect(await page.textContent('#history li')).toContain('SELECT host, ts, usage FROM cpu');
    await page.fill('#query', 'SELECT nope FROM cpu');
    await page.click('#run');
    await page.waitForSelector('#result .error');
    expect(await page.textContent('#result .error')).toMatch(/nope/);
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);

  it('charts a PromQL range query over a SQL table', async () => {
    await page.selectOption('#lang', 'promql');
    await page.fill('#query', 'max by (host) (cpu{__field__="usage"})');
    await page.click('#run');
    await page.waitForSelector('#result table');
    expect(await page.$$eval('#result tbody tr', (trs) => trs.length)).toBe(2);
    await page.waitForSelector('#chart canvas');
    expect(await canvasDrawn(page, '#chart')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard_console.png'), fullPage: true });
    await page.selectOption('#lang', 'sql');
  }, 60_000);

  it('browses tables and their columns', async () => {
    await page.keyboard.press('Alt+2');
    await page.waitForSelector('#table-list li[data-name="cpu"]');
    await page.click('#table-list li[data-name="cpu"]');
    await until(async () => (await page.$$('#table-detail table')).length >= 3 || undefined, 'table detail');
    const cols = await page.$$eval('#table-detail table', (ts) => [...ts[0]!.querySelectorAll('tbody tr td:first-child')].map((td) => td.textContent));
    expect(cols).toEqual(['host', 'ts', 'usage']);
  }, 60_000);

  it('shows a flow and streams its live output in', async () => {
    const created = await sql(node.url, `CREATE FLOW per_host SINK TO per_host_out WITH (emit_interval = '50ms') AS
      SELECT host, count(*) AS c, max(usage) AS mx, date_bin(INTERVAL '1 hour', ts) AS w FROM cpu GROUP BY host, w`);
    expect(created.status).toBe(200);
    await page.keyboard.press('Alt+3');
    await page.waitForSelector('#flow-list tbody tr');
    await page.click('#flow-list tbody tr');
    await page.waitForSelector('#flow-live-title:not([hidden])');
    // Once subscribed, a new row makes the flow emit; the page shows it without a reload.
    await until(async () => (await page.textContent('#flow-live-title'))?.includes('waiting') || undefined, 'subscribed');
    expect((await sql(node.url, `INSERT INTO cpu VALUES ('zz', ${base + 1000}, 99.5)`)).status).toBe(200);
    await page.waitForFunction("[...document.querySelectorAll('#flow-live td')].some((td) => td.textContent === 'zz')", undefined, { timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard_flows.png'), fullPage: true });
  }, 60_000);

  it('searches logs by term and shows the cluster view', async () => {
    expect((await sql(node.url, "CREATE TABLE app_logs (ts TIMESTAMP TIME INDEX, service STRING, message STRING, PRIMARY KEY (service)) WITH ('append_mode' = 'true')")).status).toBe(200);
    expect((await sql(node.url, `INSERT INTO app_logs VALUES (${base}, 'api', 'GET /users took 12ms'), (${base + 1}, 'api', 'disk almost full on sda1'), (${base + 2}, 'db', 'checkpoint done')`)).status).toBe(200);
    await page.keyboard.press('Alt+4');
    await page.waitForSelector('#log-table option[value="app_logs"]', { state: 'attached' });
    await page.selectOption('#log-table', 'app_logs');
    await until(async () => (await page.$eval('#log-column', (s) => (s as unknown as { value: string }).value)) === 'message' || undefined, 'message column');
    await page.fill('#log-term', 'disk');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#log-result tbody tr');
    const lines = await page.$$eval('#log-result tbody tr', (trs) => trs.map((t) => t.textContent));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('disk almost full');
    await page.keyboard.press('Alt+5');
    await page.waitForSelector('#cluster-nodes tbody tr');
    expect(await page.textContent('#cluster-nodes tbody tr')).toContain('STANDALONE');
  }, 60_000);
});
