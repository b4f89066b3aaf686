// The web app in a real browser (Debian's chromium through playwright-core) against real
// `camtrove serve` processes on loopback: one that needs no token, and one with a token and no
// workers (its analyses wait). With CAMTROVE_UPDATE_SCREENSHOTS=1 (`npm run screenshots`) it also
// writes the screenshots of docs/screenshots/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Processes, type Server } from '../helpers/cli.js';
import { fileForm, pollAnalysis } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
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

  before(async () => {
    assert.ok(existsSync(join(WEB_ROOT, 'index.html')), 'the web app is built (npm run build)');
    const [a, b] = await Promise.all([createTestEnv(), createTestEnv()]);
    envs.push(a, b);
    const created = await processes.run(['token', 'create', '--json'], b.env());
    assert.equal(created.code, 0, created.stderr);
    token = (JSON.parse(created.stdout) as { token: string }).token;
    [clip, open, guarded, browser] = await Promise.all([
      makeVideo(join(a.dir, 'gate-camera.mp4'), { seconds: 1, width: 160, height: 120 }),
      processes.serve(a.env()),
      processes.serve(b.env(), ['--no-workers']),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
    ]);
  });
  after(async () => {
    await browser?.close();
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
    assert.deepEqual(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents(), ['Overview', 'Files', 'Analyses', 'Projects']);

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
    await page.getByRole('heading', { level: 1, name: 'Files' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/files');
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('asks for a token when the server needs one, says when one is wrong, and keeps the right one', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const { analysis_id: waiting } = await json<{ analysis_id: string }>(`${guarded.url}/api/analyses`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ analysis: 'sleep', params: { time: 1 } }) });

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
    // The browser reports the refused requests themselves; nothing else went wrong.
    assert.deepEqual(errors.filter((e) => e !== ALLOWED_401), []);
    await page.close();
  });

  it('the browser bundle holds no Node module', async () => {
    const assets = join(WEB_ROOT, 'assets');
    for (const name of (await readdir(assets)).filter((n) => n.endsWith('.js'))) {
      assert.doesNotMatch(await readFile(join(assets, name), 'utf8'), /["'`]node:[a-z]/, name);
    }
  });
});
