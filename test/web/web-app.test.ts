// The web app in a real browser (Debian's chromium through playwright-core) against real
// `camtrove serve` processes on loopback: one that needs no token, and one with a token and no
// workers (its analyses wait). The camera and event pages come last: they archive frames from a
// simulated camera and import two generated videos into the first server, whose earlier tests want
// an empty library. With CAMTROVE_UPDATE_SCREENSHOTS=1 (`npm run screenshots`) it also writes the
// screenshots of docs/screenshots/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeFrames, startCameraSimulator, type CameraSimulator } from '../helpers/camera-simulator.js';
import { Processes, waitUntil, type Server } from '../helpers/cli.js';
import { LOOPBACK_ONLY } from '../helpers/hostile-servers.js';
import { fileForm, pollAnalysis } from '../helpers/http.js';
import { makeMotionClip, makeVideo } from '../helpers/media.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

const CHROMIUM = '/usr/bin/chromium';
const WEB_ROOT = join(import.meta.dirname, '..', '..', 'dist', 'web');
const SCREENSHOTS = process.env.CAMTROVE_UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots') : null;
const ALLOWED_401 = 'Failed to load resource: the server responded with a status of 401 (Unauthorized)';

/** What a page of the app printed as errors (console errors and uncaught exceptions). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json()) as T;
  assert.equal(response.status, 200, `${init?.method ?? 'GET'} ${url}: ${JSON.stringify(body)}`);
  return body;
}

const skip = existsSync(CHROMIUM) ? false : `needs Debian's chromium at ${CHROMIUM} (apt-get install chromium)`;

describe('the web app in a browser', { skip }, () => {
  const processes = new Processes();
  const envs: TestEnv[] = [];
  let browser: Browser;
  let open: Server;
  let guarded: Server;
  let token: string;
  let clip: string;
  let camera: CameraSimulator;
  /** Two videos named as `camtrove import` reads them: camera gate, a red and a blue square crossing. */
  let footage: string;

  before(async () => {
    assert.ok(existsSync(join(WEB_ROOT, 'index.html')), 'the web app is built (npm run build)');
    const [a, b] = await Promise.all([createTestEnv(), createTestEnv()]);
    envs.push(a, b);
    const created = await processes.run(['token', 'create', '--json'], b.env());
    assert.equal(created.code, 0, created.stderr);
    token = (JSON.parse(created.stdout) as { token: string }).token;
    footage = join(a.dir, 'footage');
    await mkdir(footage);
    let frames: Awaited<ReturnType<typeof makeFrames>>;
    [clip, open, guarded, browser, frames] = await Promise.all([
      makeVideo(join(a.dir, 'gate-camera.mp4'), { seconds: 1, width: 160, height: 120 }),
      processes.serve(a.env()),
      processes.serve(b.env(), ['--no-workers']),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
      makeFrames(8, '320x180'),
      makeMotionClip(join(footage, 'gate-red-1764576000.mp4'), { seconds: 5, from: 1, to: 4, colour: 'red' }),
      makeMotionClip(join(footage, 'gate-blue-1764579600.mp4'), { seconds: 5, from: 1, to: 4, colour: 'blue' }),
    ]);
    camera = await startCameraSimulator(frames);
  });
  after(async () => {
    await browser?.close();
    await camera?.close();
    await processes.killAll();
    for (const env of envs) await env.cleanup();
  });

  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    return { page, errors: watchErrors(page) };
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  }

  it('uploads a file from the files page, lists it with its size, reloads the deep link, and deletes it', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${open.url}/files`);
    await page.getByRole('heading', { level: 1, name: 'Files' }).waitFor();
    assert.deepEqual(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents(), ['Overview', 'Cameras', 'Events', 'Files', 'Imports', 'Analyses', 'Projects']);

    await page.getByLabel('Choose files…').setInputFiles(clip);
    const size = (await stat(clip)).size;
    const row = page.getByRole('row').filter({ hasText: 'gate-camera.mp4' });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${(size / 1000).toFixed(size < 10_000 ? 1 : 0)} KB`));
    assert.equal(await page.getByRole('progressbar', { name: 'Upload of gate-camera.mp4' }).getAttribute('value'), '100');
    await page.getByRole('status').filter({ hasText: 'stored' }).waitFor();
    const listed = await json<{ files: { file_id: string; name: string; size: number }[] }>(`${open.url}/api/files`);
    assert.deepEqual(listed.files.map((f) => [f.name, f.size]), [['gate-camera.mp4', size]]);

    // A bookmark of /files, reloaded, is the app again (not a 404 of the API).
    await page.reload();
    await row.waitFor();
    await screenshot(page, 'files');

    await page.getByRole('button', { name: 'Delete gate-camera.mp4' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete gate-camera.mp4?' });
    await dialog.getByText('Nothing else in the library uses this file.').waitFor();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('No files yet').waitFor();
    assert.equal((await fetch(`${open.url}/api/files/${listed.files[0]!.file_id}`)).status, 404);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('names what uses a file before deleting it with them', async () => {
    const bytes = await readFile(clip);
    const { file_id: fileId } = await json<{ file_id: string }>(`${open.url}/api/files`, { method: 'POST', body: fileForm(bytes, 'probed.mp4') });
    const { analysis_id: probe } = await json<{ analysis_id: string }>(`${open.url}/api/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ analysis: 'probe', file_id: fileId }) });
    assert.equal((await pollAnalysis(open.url, probe, 20_000)).status, 200);

    const { page, errors } = await newPage();
    await page.goto(`${open.url}/files`);
    await page.getByRole('button', { name: 'Delete probed.mp4' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete probed.mp4?' });
    await dialog.getByText(`1 finished analysis (${probe})`).waitFor();
    // Escape leaves the file alone.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await fetch(`${open.url}/api/files/${fileId}`, { method: 'HEAD' })).status, 200);

    await page.getByRole('button', { name: 'Delete probed.mp4' }).click();
    await dialog.getByRole('button', { name: 'Delete it and what uses it' }).click();
    await page.getByText('No files yet').waitFor();
    assert.equal((await fetch(`${open.url}/api/analyses/${probe}`)).status, 404);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows running and failed analyses; cancel and retry work from the keyboard', async () => {
    const { file_id: junk } = await json<{ file_id: string }>(`${open.url}/api/files`, { method: 'POST', body: fileForm('not a video', 'notes.txt') });
    const start = (body: object) => json<{ analysis_id: string }>(`${open.url}/api/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const { analysis_id: failing } = await start({ analysis: 'probe', file_id: junk });
    const { analysis_id: sleeping } = await start({ analysis: 'sleep', params: { time: 60 } });
    assert.equal((await pollAnalysis(open.url, failing, 20_000)).status, 422);

    const { page, errors } = await newPage();
    await page.goto(`${open.url}/analyses`);
    const running = page.getByRole('region', { name: /^Running/ });
    await running.getByRole('progressbar', { name: `Progress of sleep ${sleeping.slice(0, 10)}` }).waitFor();
    const failed = page.getByRole('region', { name: /^Failed/ });
    const failure = ((await json<{ error: { message: string } }>(`${open.url}/api/analyses/${failing}`)).error).message;
    await failed.getByText(failure).waitFor();
    await screenshot(page, 'analyses');

    await failed.getByRole('button', { name: `Retry probe ${failing.slice(0, 10)}` }).focus();
    await page.keyboard.press('Enter');
    await failed.getByRole('row').filter({ hasText: failure }).nth(1).waitFor();

    await running.getByRole('button', { name: `Cancel sleep ${sleeping.slice(0, 10)}` }).focus();
    await page.keyboard.press('Enter');
    await running.getByText('Nothing is running.').waitFor();
    assert.equal((await json<{ state: string }>(`${open.url}/api/analyses/${sleeping}`)).state, 'CANCELLED');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the overview shows the disk used, the cameras and what runs', async () => {
    const { page, errors } = await newPage();
    await page.goto(`${open.url}/`);
    const library = await json<{ files: { count: number; bytes: number } }>(`${open.url}/api/library`);
    assert.ok(library.files.count > 0);
    await page.getByRole('region', { name: 'Disk used' }).getByText(`in ${library.files.count} file${library.files.count === 1 ? '' : 's'}`).waitFor();
    await page.getByRole('region', { name: 'Cameras' }).getByText('not archiving').waitFor();
    await page.getByText('No analysis or import is running.').waitFor();
    await page.getByText('No motion events yet').waitFor();
    await screenshot(page, 'overview');
    // Keyboard: the skip link comes first, then the navigation.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Cameras' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/cameras');
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('asks for a token when the server needs one, says when one is wrong, and keeps the right one; images come with it', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const { analysis_id: waiting } = await json<{ analysis_id: string }>(`${guarded.url}/api/analyses`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ analysis: 'sleep', params: { time: 1 } }) });
    // A frame to show, archived while the prompt is tried.
    const archived = (async () => {
      const response = await fetch(`${guarded.url}/api/cameras`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'yard', type: 'snapshot', snapshot_url: `${camera.url}/still.jpg` }) });
      assert.equal(response.status, 201, await response.text());
      const run = await processes.run(['archive', '--camera', 'yard', '--duration', '0.5', '--interval', '0.25'], { ...envs[1]!.env(), CAMTROVE_CAMERA_NETWORKS: LOOPBACK_ONLY });
      assert.equal(run.code, 0, run.stderr);
    })();

    const { page, errors } = await newPage();
    await page.goto(`${guarded.url}/analyses`);
    const prompt = page.getByRole('dialog', { name: 'API token needed' });
    await prompt.waitFor();
    await screenshot(page, 'token-prompt');
    await prompt.getByLabel('Token').fill('ctk_not-the-token');
    await prompt.getByRole('button', { name: 'Use this token' }).click();
    await prompt.getByText('The server did not accept this token').waitFor();

    await prompt.getByLabel('Token').fill(token);
    await page.keyboard.press('Enter');
    await prompt.waitFor({ state: 'hidden' });
    const queue = page.getByRole('region', { name: /^Waiting/ });
    await queue.getByText(waiting.slice(0, 10)).waitFor();

    // Kept for the session: a reload asks nothing.
    await page.reload();
    await queue.getByText(waiting.slice(0, 10)).waitFor();
    assert.equal(await prompt.isVisible(), false);
    assert.ok(!(await page.content()).includes(token), 'the token is not written into the page');

    // An <img> cannot send the token: the frame is fetched with it and shown from a blob URL, which the page's CSP allows.
    await archived;
    await page.goto(`${guarded.url}/cameras`);
    // The <img> itself, not the placeholder that stands in while its bytes are fetched.
    const frame = page.getByRole('img', { name: /^yard at / }).and(page.locator('img'));
    await frame.waitFor();
    assert.match((await frame.getAttribute('src')) ?? '', /^blob:/);
    await waitUntil('the frame is decoded', () => frame.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth === 320));
    // The browser reports the refused requests themselves; nothing else went wrong.
    assert.deepEqual(errors.filter((e) => e !== ALLOWED_401), []);
    await page.close();
  });

  it('lists the cameras with their health and latest frame, filters them by the URL, and scrubs a camera\'s frames', async () => {
    const register = async (body: object) => {
      const response = await fetch(`${open.url}/api/cameras`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(response.status, 201, await response.text());
    };
    await register({ id: 'gate', name: 'Front gate', type: 'snapshot', snapshot_url: `${camera.url}/changing.jpg`, tags: ['outdoor'] });
    await register({ id: 'porch', name: 'Porch', type: 'mjpeg', mjpeg_url: `${camera.url}/mjpeg`, tags: ['indoor'], enabled: false });
    // The import's videos are segmented by the server while this test looks at the cameras.
    const env = envs[0]!.env();
    const [archive, imported] = await Promise.all([
      // Three seconds: a loaded machine still keeps the three frames the slider needs.
      processes.run(['archive', '--camera', 'gate', '--duration', '3', '--interval', '0.25'], { ...env, CAMTROVE_CAMERA_NETWORKS: LOOPBACK_ONLY }),
      processes.run(['import', footage, '--server', open.url], env),
    ]);
    assert.equal(archive.code, 0, archive.stderr);
    assert.equal(imported.code, 0, imported.stderr);
    const { frames } = await json<{ frames: { frame_id: string; file_id: string; captured_at: string }[] }>(`${open.url}/api/cameras/gate/frames`);
    assert.ok(frames.length >= 3, `${frames.length} frames archived`);

    const { page, errors } = await newPage();
    await page.goto(`${open.url}/cameras`);
    const gate = page.getByRole('row').filter({ hasText: 'Front gate' });
    await gate.getByText('up', { exact: true }).waitFor();
    const latest = gate.getByRole('img', { name: /^Front gate at / });
    await latest.waitFor();
    // Loaded and decoded (the simulated camera's pictures are 320 wide).
    const decodedWidth = () => latest.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    await waitUntil('the latest frame is decoded', async () => (await decodedWidth()) === 320);
    assert.equal(await latest.getAttribute('src'), `/api/files/${frames.at(-1)!.file_id}`);
    await page.getByRole('row').filter({ hasText: 'Porch' }).getByText('not archiving').waitFor();
    await screenshot(page, 'cameras');

    // The filter goes into the URL, so a reload (or a bookmark) shows the same cameras.
    const filter = page.getByRole('search', { name: 'Filter cameras' });
    await filter.getByLabel('Tag').fill('indoor');
    await filter.getByLabel('Tag').press('Enter');
    await page.waitForURL((url) => url.search === '?tag=indoor');
    await gate.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('row').filter({ hasText: 'Porch' }).waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: 'Front gate' }).count(), 0);
    await page.getByRole('link', { name: 'Show all' }).click();
    await gate.getByRole('link', { name: 'Front gate' }).click();

    // The camera's page opens on its latest frame; the slider scrubs through them from the keyboard.
    await page.getByRole('heading', { level: 1, name: 'Front gate' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/cameras/gate');
    const timeline = page.getByRole('slider', { name: 'Time line' });
    const shown = page.getByRole('img', { name: /^Frame captured at / });
    await page.getByText(`frame ${frames.length} of ${frames.length}`).waitFor();
    assert.equal(await shown.getAttribute('src'), `/api/files/${frames.at(-1)!.file_id}`);
    await timeline.focus();
    await page.keyboard.press('Home');
    await page.getByText(`frame 1 of ${frames.length}`).waitFor();
    assert.equal(await shown.getAttribute('src'), `/api/files/${frames[0]!.file_id}`);
    await page.keyboard.press('ArrowRight');
    await page.getByText(`frame 2 of ${frames.length}`).waitFor();
    assert.equal(await shown.getAttribute('src'), `/api/files/${frames[1]!.file_id}`);
    await page.waitForURL((url) => url.searchParams.get('frame') === frames[1]!.frame_id);
    await page.getByRole('button', { name: 'Next frame' }).click();
    await page.getByText(`frame 3 of ${frames.length}`).waitFor();
    await screenshot(page, 'camera');
    // The frame is in the URL: a reload shows it again.
    await page.waitForURL((url) => url.searchParams.get('frame') === frames[2]!.frame_id);
    await page.reload();
    await page.getByText(`frame 3 of ${frames.length}`).waitFor();

    // Settings: what is changed is saved, and the page shows what the server kept.
    const settings = page.getByRole('region', { name: 'Settings' });
    await settings.getByLabel('Name', { exact: true }).fill('Front gate (north)');
    await settings.getByLabel('Tags', { exact: true }).fill('outdoor, entrance');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByRole('status').filter({ hasText: 'Saved 2 changes.' }).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Front gate (north)' }).waitFor();
    const stored = await json<{ name: string; tags: string[]; snapshot_url: string }>(`${open.url}/api/cameras/gate`);
    assert.deepEqual([stored.name, stored.tags, stored.snapshot_url], ['Front gate (north)', ['entrance', 'outdoor'], `${camera.url}/changing.jpg`]);
    // The older API path answers JSON to API clients as before.
    assert.equal((await json<{ name: string }>(`${open.url}/cameras/gate`)).name, 'Front gate (north)');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('searches events with a filter kept in the URL, plays one with its boxes, labels it, labels a search, and exports it', async () => {
    type Found = { id: string; colors: { name: string }[]; labels: { name: string; source: string }[] };
    // Every segmentation the import queued has ended (a loaded machine takes its time), and each worked.
    type Analysis = { id: string; analysis: string; state: string; error: unknown };
    const segmentations = await waitUntil('the imported videos are segmented', async () => {
      const { analyses } = await json<{ analyses: Analysis[] }>(`${open.url}/api/analyses?limit=100`);
      const segments = analyses.filter((a) => a.analysis === 'segment');
      return segments.length >= 2 && segments.every((a) => ['SUCCESS', 'FAILURE', 'CANCELLED'].includes(a.state)) && segments;
    }, 120_000);
    assert.deepEqual(segmentations.filter((a) => a.state !== 'SUCCESS'), []);
    const { events } = await json<{ events: Found[] }>(`${open.url}/api/events`);
    assert.equal(events.length, 2, JSON.stringify(events));
    const red = events.filter((e) => e.colors.some((c) => c.name === 'red'));
    assert.equal(red.length, 1, JSON.stringify(events.map((e) => e.colors)));

    const { page, errors } = await newPage();
    await page.goto(`${open.url}/events`);
    const grid = page.getByRole('list', { name: 'Events found' });
    await page.getByRole('status').filter({ hasText: `${events.length} events` }).waitFor();
    assert.equal(await grid.getByRole('listitem').count(), events.length);
    // Each event shows its thumbnail (decorative: the card's link names the event).
    const thumbnails = grid.locator('img');
    await waitUntil('the thumbnails are decoded', async () => (await thumbnails.evaluateAll((images) => images.filter((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0).length)) === events.length);
    await screenshot(page, 'events');

    const search = page.getByRole('search', { name: 'Event search' });
    await search.getByRole('checkbox', { name: 'red' }).check();
    await search.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.search === '?color=red');
    await page.getByRole('status').filter({ hasText: /^1 event$/ }).waitFor();
    await page.reload();
    await page.getByRole('status').filter({ hasText: /^1 event$/ }).waitFor();
    assert.equal(await search.getByRole('checkbox', { name: 'red' }).isChecked(), true);

    // The event opens over the grid, with its own URL; its clip plays with the moving square's box over it.
    await grid.getByRole('link').first().click();
    const view = page.getByRole('dialog', { name: /^Event at / });
    await view.waitFor();
    await page.waitForURL((url) => url.searchParams.get('event') === red[0]!.id);
    const video = view.locator('video');
    await video.waitFor();
    await waitUntil('the clip is loaded', () => video.evaluate((v) => (v as unknown as { readyState: number }).readyState >= 1));
    // It plays; then, paused half way through the crossing, the box is over the square.
    await video.evaluate(async (v) => {
      const clip = v as unknown as { play(): Promise<void>; pause(): void; currentTime: number };
      await clip.play();
      clip.pause();
      clip.currentTime = 2.5;
    });
    await view.getByRole('img', { name: 'Boxes: object 1' }).waitFor();
    await waitUntil('the clip shows 2.5 s', () =>
      video.evaluate((v) => {
        const clip = v as unknown as { seeking: boolean; readyState: number };
        return !clip.seeking && clip.readyState >= 4;
      }),
    );
    const rect = view.locator('svg.boxes rect');
    const box = { x: Number(await rect.getAttribute('x')), w: Number(await rect.getAttribute('width')) };
    // The square crosses from left to right in 3 s: half way at 2.5 s.
    assert.ok(box.x > 0.4 && box.x < 0.6 && box.w > 0.02 && box.w < 0.1, JSON.stringify(box));
    await screenshot(page, 'event');

    await view.getByLabel('New label').fill('deer');
    await view.getByRole('button', { name: 'Add label' }).click();
    await view.getByRole('button', { name: 'Remove label deer' }).waitFor();
    const labelled = await json<Found>(`${open.url}/api/events/${red[0]!.id}`);
    assert.deepEqual(labelled.labels.map((l) => [l.name, l.source]), [['deer', 'user']]);
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'hidden' });
    await page.waitForURL((url) => !url.searchParams.has('event'));
    await grid.getByText('deer').waitFor();

    // Labelling the search labels every event it matches (here the red one only), after asking.
    await page.getByLabel('Label all matching').fill('red square');
    await page.getByRole('button', { name: 'Label…' }).click();
    await page.getByRole('dialog', { name: 'Label every event this search matches?' }).getByRole('button', { name: 'Label them' }).click();
    await page.getByText('Labelled 1 event “red square”.').waitFor();
    const after_ = await json<{ events: Found[] }>(`${open.url}/api/events?label=red%20square`);
    assert.deepEqual(after_.events.map((e) => e.id), [red[0]!.id]);

    // The export of the search, in each format the API offers.
    const links = page.getByRole('link', { name: /^Export as / });
    assert.deepEqual(await links.allTextContents(), ['JSON', 'JSON Lines', 'CSV', 'XML']);
    const csv = await fetch(`${open.url}${await page.getByRole('link', { name: 'Export as CSV' }).getAttribute('href')}`);
    assert.equal(csv.status, 200);
    const rows = (await csv.text()).trim().split('\n');
    assert.equal(rows.length, 2, 'a header and the red event');
    assert.ok(rows[1]!.startsWith(red[0]!.id));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the browser bundle holds no Node module', async () => {
    const assets = join(WEB_ROOT, 'assets');
    for (const name of (await readdir(assets)).filter((n) => n.endsWith('.js'))) {
      assert.doesNotMatch(await readFile(join(assets, name), 'utf8'), /["'`]node:[a-z]/, name);
    }
  });
});
