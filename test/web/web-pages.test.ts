// The imports page, a project's asset and export tools, and the events page's region drawn on a
// frame and its infinite scroll, in a real browser (Debian's chromium through playwright-core) against a real `camtrove
// serve` on loopback started without workers: a `camtrove worker` started part-way lets a test watch
// an import finish. With CAMTROVE_UPDATE_SCREENSHOTS=1 (`npm run screenshots`) it also writes the
// screenshots of these pages to docs/screenshots/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiClient } from '../helpers/api.js';
import { Processes, type Server } from '../helpers/cli.js';
import { bytes, LOOPBACK_ONLY, startRoutes } from '../helpers/hostile-servers.js';
import { makeMotionClip, makeVideo } from '../helpers/media.js';
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
  /** A video offered over HTTP on loopback, for adding an asset by URL. */
  let videoHost: Awaited<ReturnType<typeof startRoutes>>;
  /** The server and its worker may fetch from loopback (the video host). */
  const serverEnv = () => ({ ...env.env(), CAMTROVE_CAMERA_NETWORKS: LOOPBACK_ONLY });

  before(async () => {
    assert.ok(existsSync(join(WEB_ROOT, 'index.html')), 'the web app is built (npm run build)');
    env = await createTestEnv();
    footage = join(env.dir, 'footage');
    await mkdir(footage);
    await writeFile(join(footage, 'gate-broken-1764579600.mp4'), 'not a video at all');
    let clip: string;
    [server, browser, clip] = await Promise.all([
      processes.serve(serverEnv(), ['--no-workers']),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
      makeVideo(join(env.dir, 'night-1.mp4'), { seconds: 1, width: 160, height: 120 }),
      makeMotionClip(join(footage, 'gate-red-1764576000.mp4'), { seconds: 5, from: 1, to: 4, colour: 'red' }),
    ]);
    videoHost = await startRoutes({ '/night-1.mp4': bytes(await readFile(clip), 'video/mp4') });
  });
  after(async () => {
    await browser?.close();
    await videoHost?.close();
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
    await processes.worker(serverEnv());
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

  it('adds videos to a project by URL and the events of a search, counted first, and exports its labels as a zip', async () => {
    const jsonInterface = { jobs: { OBJECTS: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], required: 0, isChild: false, content: { categories: { ANIMAL: { name: 'Animal' } }, input: 'radio' } } } };
    const { id: projectId } = await json<{ id: string }>(`${server.url}/api/projects`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Night crossings', description: '', inputType: 'VIDEO', jsonInterface }) });
    const { events } = await json<{ events: { id: string }[] }>(`${server.url}/api/events`);
    assert.equal(events.length, 1, 'the import found the red square crossing');

    const { page, errors } = await newPage();
    await page.goto(`${server.url}/projects/${projectId}`);
    await page.getByRole('heading', { level: 1, name: 'Night crossings' }).waitFor();

    // By URL: a line that is no http URL is refused before anything is sent.
    const urls = page.getByLabel(/^Video URLs/);
    await urls.fill('ftp://example.org/a.mp4');
    await page.getByRole('button', { name: 'Add these videos' }).click();
    await page.getByRole('alert').filter({ hasText: 'Line 1: “ftp://example.org/a.mp4” is not an http or https URL.' }).waitFor();
    await urls.fill(`${videoHost.url}/night-1.mp4 first-night\n`);
    await page.getByRole('button', { name: 'Add these videos' }).click();
    const added = page.getByRole('row').filter({ hasText: 'first-night' });
    await added.getByText('ready').waitFor({ timeout: 20_000 });
    assert.equal(await added.getByRole('cell').nth(3).innerText(), '10', 'the video fetched by URL has its 10 frames');

    // From an event search: the count comes first, and events already in the project are not counted again.
    await page.getByText('Search events').click();
    const search = page.getByRole('search', { name: 'Event search' });
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: '1 matching event; 1 not in the project yet.' }).waitFor();
    await page.getByRole('button', { name: 'Add 1 event' }).click();
    await page.getByRole('row').filter({ hasText: `event:${events[0]!.id}` }).waitFor();
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: '1 matching event; 0 not in the project yet.' }).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Add 0 events' }).isDisabled());
    await page.mouse.wheel(0, -10_000);
    await screenshot(page, 'project');

    // Export: followed while it runs, then downloaded.
    await page.getByRole('button', { name: 'COCO' }).click();
    const download = page.getByRole('link', { name: 'Download the COCO zip' });
    await download.waitFor({ timeout: 30_000 });
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const zip = await readFile(await file.path());
    assert.equal(zip.subarray(0, 2).toString(), 'PK', 'the download is a zip');
    const exports = await json<{ exports: { fmt: string; status: string }[] }>(`${server.url}/api/projects/${projectId}/exports`);
    assert.deepEqual(exports.exports.map((e) => [e.fmt, e.status]), [['coco', 'DONE']]);
    assert.deepEqual(errors, []);
    await page.close();
  });
  it('filters events by a region drawn on the frame of the newest event, kept in the URL', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${server.url}/events`);
    await page.getByRole('status').filter({ hasText: /^1 event$/ }).waitFor();
    const search = page.getByRole('search', { name: 'Event search' });
    await search.getByText('More filters').click();
    await search.getByRole('button', { name: 'Draw on a frame' }).click();
    const area = search.getByRole('img', { name: 'Region: drag on the frame' });
    await search.locator('.region-picker img').waitFor();
    const drag = async (from: [number, number], to: [number, number]) => {
      const box = (await area.boundingBox())!;
      await page.mouse.move(box.x + from[0] * box.width, box.y + from[1] * box.height);
      await page.mouse.down();
      await page.mouse.move(box.x + to[0] * box.width, box.y + to[1] * box.height, { steps: 5 });
      await page.mouse.up();
    };

    // The red square crosses the frame at a height of 160–188 of 360 pixels: nothing moved above it.
    await drag([0.9, 0.3], [0.1, 0.05]);
    const roi = search.getByLabel('Region (x,y,w,h)');
    const [x, y, w, h] = (await roi.inputValue()).split(',').map(Number) as [number, number, number, number];
    assert.ok(Math.abs(x - 0.1) < 0.01 && Math.abs(y - 0.05) < 0.01 && Math.abs(w - 0.8) < 0.01 && Math.abs(h - 0.25) < 0.01, `the region drawn: ${await roi.inputValue()}`);
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No event matches this search.').waitFor();
    assert.equal(new URL(page.url()).searchParams.get('roi'), await roi.inputValue());

    // Drawn again across its path, the region finds it; a reload keeps the search.
    await search.getByRole('button', { name: 'Draw on a frame' }).click();
    await search.locator('.region-picker img').waitFor();
    await drag([0.05, 0.35], [0.95, 0.65]);
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: /^1 event$/ }).waitFor();
    await page.reload();
    await page.getByRole('status').filter({ hasText: /^1 event$/ }).waitFor();
    assert.match(await search.getByLabel('Region (x,y,w,h)').inputValue(), /^0\.05,0\.35,0\.9,0\.3$/);
    assert.deepEqual(errors, []);
    await page.close();
  });
  it('loads the next page of events as the grid is scrolled to its end', async () => {
    // 60 bursts of motion, more events than one page of 48: a square that moves for 1 s every 2.5 s.
    const bursts = join(env.dir, 'bursts.mp4');
    await promisify(execFile)('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x607080:s=160x120:r=10:d=150', '-f', 'lavfi', '-i', 'color=c=white:s=16x16:r=10:d=150',
      '-filter_complex', "[0][1]overlay=x='mod(t,2.5)*100+10':y=50:enable='lt(mod(t,2.5),1)',format=yuv420p", '-c:v', 'libx264', '-preset', 'veryfast', bursts]);
    const api = apiClient(server.url);
    const fileId = await api.upload(await readFile(bursts), 'bursts.mp4');
    const result = await api.succeed<{ events: unknown[] }>({ analysis: 'segment', file_id: fileId, fps: 10, event_gap: 0.5, pre_capture: 0, post_capture: 0, clips: false }, 60_000);
    const found = result.events.length;
    assert.ok(found > 48, `more events than one page: ${found}`);

    const { page, errors } = await newPage();
    await page.goto(`${server.url}/events?media=${fileId}`);
    await page.getByRole('status').filter({ hasText: '48 events shown, more below' }).waitFor();
    assert.equal(await page.locator('.event-grid > *').count(), 48);
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await page.getByRole('status').filter({ hasText: `${found} events` }).waitFor();
    // Every event once: the second page follows the first without repeating it.
    const links = await Promise.all((await page.getByRole('list', { name: 'Events found' }).getByRole('link').all()).map((link) => link.getAttribute('href')));
    assert.equal(new Set(links).size, found);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
