// The dashboard with authentication on, in headless Chromium: the browser logs in with Basic credentials (as after the
// login prompt) and its fetches carry them; without credentials the page is refused with a challenge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startNode, tempDir } from '../../harness/index.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe.skipIf(!CHROMIUM)('dashboard behind authentication', () => {
  let node: Awaited<ReturnType<typeof startNode>>;
  let dir: ReturnType<typeof tempDir>;
  let browser: Browser;

  beforeAll(async () => {
    dir = tempDir();
    node = await startNode({ data: dir.path, overrides: { userProvider: 'static_user_provider:cmd:ops=ops_pwd' } });
    const auth = { authorization: 'Basic ' + Buffer.from('ops:ops_pwd').toString('base64') };
    const r = await fetch(`${node.url}/v1/influxdb/write?db=public`, { method: 'POST', body: 'cpu,host=a usage=3 1700000000000000000', headers: auth });
    expect(r.status).toBe(204);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    dir?.cleanup();
  });

  it('without credentials the page answers 401 with a Basic challenge', async () => {
    const r = await fetch(`${node.url}/dashboard`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('Basic');
  });

  it('after Basic login the page loads and a query runs through its authenticated fetches', async () => {
    const ctx = await browser.newContext({ httpCredentials: { username: 'ops', password: 'ops_pwd' } });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${node.url}/dashboard`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#query', 'SELECT host, usage FROM cpu');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#result table');
    expect(await page.$$eval('#result tbody td', (tds) => tds.map((t) => t.textContent))).toEqual(['a', '3']);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 60_000);
});
