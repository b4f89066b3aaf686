// The imports page, a project's asset and export tools, and the events page's region and infinite
// scroll, in a real browser (Debian's chromium through playwright-core) against a real `camtrove
// serve` on loopback started without workers: a `camtrove worker` started part-way lets a test watch
// an import finish. With CAMTROVE_UPDATE_SCREENSHOTS=1 (`npm run screenshots`) it also writes the
// screenshots of these pages to docs/screenshots/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Processes, type Server } from '../helpers/cli.js';
import { makeMotionClip } from '../helpers/media.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

const CHROMIUM = '/usr/bin/chromium';
const WEB_ROOT = join(import.meta.dirname, '..', '..', 'dist', 'web');
const SCREENSHOTS = process.env.CAMTROVE_UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots') : null;

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json()) as T;
  assert.ok(response.ok, `${init?.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const skip = existsSync(CHROMIUM) ? false : `needs Debian's chromium at ${CHROMIUM} (apt-get install chromium)`;

describe('the imports, project and events pages in a browser', { skip }, () => {
  const processes = new Processes();
  let env: TestEnv;
  let browser: Browser;
  let server: Server;
  /** Videos named as `camtrove import` reads them (camera gate): a red square crossing, and a file that is no video. */
  let footage: string;

  before(async () => {
    assert.ok(existsSync(join(WEB_ROOT, 'index.html')), 'the web app is built (npm run build)');
    env = await createTestEnv();
    footage = join(env.dir, 'footage');
    await mkdir(footage);
    await writeFile(join(footage, 'gate-broken-1764579600.mp4'), 'not a video at all');
    [server, browser] = await Promise.all([
      processes.serve(env.env(), ['--no-workers']),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
      makeMotionClip(join(footage, 'gate-red-1764576000.mp4'), { seconds: 5, from: 1, to: 4, colour: 'red' }),
    ]);
  });
  after(async () => {
    await browser?.close();
    await processes.killAll();
    await env?.cleanup();
  });

  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
    return { page, errors };
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }

  it('lists an import job with its files done and failures, and follows it shard by shard until it finishes', async () => {
    const imported = await processes.run(['import', footage, '--server', server.url], env.env(), { timeoutMs: 60_000 });
    const { jobs } = await json<{ jobs: { job_id: string }[] }>(`${server.url}/api/jobs`);
    assert.equal(jobs.length, 1, `${imported.stdout}\n${imported.stderr}`);
    const jobId = jobs[0]!.job_id;

    const { page, errors } = await newPage();
    await page.goto(`${server.url}/imports`);
    await page.getByRole('heading', { level: 1, name: 'Imports' }).waitFor();
    // Stored, not segmented: the server runs no workers yet.
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: `Import ${jobId.slice(0, 10)}` }) });
    await row.getByText('segmenting').waitFor();
    await row.getByRole('progressbar').waitFor();
    assert.match(await row.innerText(), /0 \/ 2/);
    assert.equal(await row.getByRole('cell').nth(3).innerText(), '1');

    await row.getByRole('link').click();
    await page.waitForURL(`${server.url}/imports/${jobId}`);
    const failures = page.getByRole('region', { name: /^Failures/ });
    await failures.getByRole('row').filter({ hasText: 'gate-broken-1764579600.mp4' }).waitFor();
    const reason = await failures.getByRole('row').filter({ hasText: 'gate-broken-1764579600.mp4' }).getByRole('cell').nth(1).innerText();
    assert.ok(reason.length > 0, 'the failure has its reason');
    const shard = page.getByRole('region', { name: /^Shards/ }).getByRole('row').nth(1);
    assert.match(await shard.innerText(), /segmenting/);

    // A worker segments the video: the page, left open, shows the job finish.
    await processes.worker(env.env());
    await page.getByRole('status').filter({ hasText: 'complete, with failures' }).waitFor({ timeout: 30_000 });
    assert.match(await shard.innerText(), /1 \/ 2/);
    assert.equal(await page.getByRole('progressbar', { name: 'Progress of shard 0' }).getAttribute('value'), '100');
    await screenshot(page, 'import');
    await page.goto(`${server.url}/imports`);
    await row.getByText('complete, with failures').waitFor();
    await screenshot(page, 'imports');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
