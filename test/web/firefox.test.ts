// The web app in Firefox (Debian's firefox-esr, driven over WebDriver BiDi by puppeteer-core, which
// downloads no browser) against a real `camtrove serve` on loopback: every page opens without a
// console error, and the labeling tool draws, saves and reloads a box. The Chromium tests go further;
// this one is there so what works in one browser is known to work in the other.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { apiClient } from '../helpers/api.js';
import { Processes, waitUntil, type Server } from '../helpers/cli.js';
import { makeVideo } from '../helpers/media.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

const FIREFOX = '/usr/bin/firefox-esr';
const WEB_ROOT = join(import.meta.dirname, '..', '..', 'dist', 'web');
const FRAMES = 20;

interface Annotation {
  isKeyFrame: boolean;
  categories: { name: string }[];
  boundingPoly: { normalizedVertices: { x: number; y: number }[] }[];
}
type JsonResponse = Record<string, { OBJECTS?: { annotations: Annotation[] } }>;

async function api<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
  const body = (await response.json()) as T;
  assert.ok(response.ok, `${init?.method ?? 'GET'} ${url} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

const skip = existsSync(FIREFOX) ? false : `needs Debian's Firefox at ${FIREFOX} (apt-get install firefox-esr)`;

describe('the web app in Firefox', { skip }, () => {
  const processes = new Processes();
  let env: TestEnv;
  let server: Server;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  let projectId = '';
  let assetId = '';

  before(async () => {
    assert.ok(existsSync(join(WEB_ROOT, 'index.html')), 'the web app is built (npm run build)');
    env = await createTestEnv();
    let clip: string;
    [clip, server, browser] = await Promise.all([
      makeVideo(join(env.dir, 'gate.mp4'), { seconds: FRAMES / 10, fps: 10, width: 320, height: 240 }),
      processes.serve(env.env()),
      puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true }),
    ]);
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 720 });
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(`uncaught: ${error instanceof Error ? error.message : String(error)}`));

    const jsonInterface = { jobs: { OBJECTS: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], content: { input: 'radio', categories: { CAR: { name: 'Car' }, PERSON: { name: 'Person' } } } } } };
    ({ id: projectId } = await api<{ id: string }>(`${server.url}/api/projects`, { method: 'POST', body: JSON.stringify({ title: 'Gate', inputType: 'VIDEO', jsonInterface }) }));
    const fileId = await apiClient(server.url).upload(await readFile(clip), 'gate.mp4');
    ({ assetIds: [assetId = ''] } = await api<{ assetIds: string[] }>(`${server.url}/api/projects/${projectId}/assets`, { method: 'POST', body: JSON.stringify({ contentArray: [`camtrove:file/${fileId}`], externalIdArray: ['gate.mp4'] }) }));
    await waitUntil('the asset is prepared', async () => (await api<{ processingState?: string; numberOfFrames?: number }>(`${server.url}/api/assets/${assetId}`)).numberOfFrames === FRAMES, 30_000, 200);
  });
  after(async () => {
    await browser?.close();
    await processes.killAll();
    await env?.cleanup();
  });

  it('opens every page with its heading and no console error', async () => {
    const pages: [string, string][] = [
      ['/', 'Overview'],
      ['/cameras', 'Cameras'],
      ['/events', 'Events'],
      ['/files', 'Files'],
      ['/analyses', 'Analyses'],
      ['/projects', 'Projects'],
      [`/projects/${projectId}`, 'Gate'],
    ];
    for (const [path, heading] of pages) {
      await page.goto(`${server.url}${path}`);
      // Scripts run in the page are strings: this file is compiled without the DOM's types.
      await page.waitForFunction(`document.querySelector('h1')?.textContent?.includes(${JSON.stringify(heading)})`, { timeout: 10_000 });
    }
    // The project page lists the asset, prepared.
    await page.waitForFunction(`[...document.querySelectorAll('tr')].some((row) => row.textContent.includes('gate.mp4') && row.textContent.includes('ready'))`, { timeout: 10_000 });
    assert.deepEqual(errors, []);
  });

  it('draws a box in the labeling tool, saves it, and a reload shows it again', async () => {
    await page.goto(`${server.url}/projects/${projectId}/assets/${assetId}/label`);
    await page.waitForSelector('figure[data-frame="0"][aria-busy="false"]');
    const area = (await (await page.$('figure svg'))!.boundingBox())!;
    const at = (x: number, y: number): [number, number] => [area.x + x * area.width, area.y + y * area.height];
    await page.keyboard.press('2');
    await page.keyboard.press('n');
    await page.mouse.move(...at(0.25, 0.25));
    await page.mouse.down();
    await page.mouse.move(...at(0.4, 0.45), { steps: 4 });
    await page.mouse.move(...at(0.5, 0.75), { steps: 4 });
    await page.mouse.up();
    await page.waitForSelector('g[data-mid][data-key-frame="true"]');
    await page.keyboard.down('Control');
    await page.keyboard.press('s');
    await page.keyboard.up('Control');
    await page.waitForFunction(`[...document.querySelectorAll('[role="status"]')].some((s) => s.textContent.startsWith('Saved'))`, { timeout: 10_000 });

    const { labels } = await api<{ labels: { labelType: string; jsonResponse: JsonResponse }[] }>(`${server.url}/api/projects/${projectId}/labels?assetId=${assetId}&labelTypeIn=DEFAULT&withJsonResponse=true`);
    assert.deepEqual(labels.map((l) => l.labelType), ['DEFAULT']);
    const [annotation] = labels[0]!.jsonResponse['0']?.OBJECTS?.annotations ?? [];
    assert.ok(annotation?.isKeyFrame, 'a key frame at frame 0');
    assert.deepEqual(annotation.categories, [{ name: 'PERSON' }]);
    const [bottomLeft, topLeft, topRight] = annotation.boundingPoly[0]!.normalizedVertices;
    const pixel = 1 / 240;
    for (const [value, expected, what] of [[topLeft!.x, 0.25, 'left'], [topLeft!.y, 0.25, 'top'], [topRight!.x, 0.5, 'right'], [bottomLeft!.y, 0.75, 'bottom']] as const) {
      assert.ok(Math.abs(value - expected) <= 2 * pixel, `${what}: ${value} is not within two pixels of ${expected}`);
    }

    await page.reload();
    await page.waitForSelector('figure[data-frame="0"][aria-busy="false"]');
    await page.waitForSelector('g[data-mid][data-key-frame="true"]');
    assert.deepEqual(errors, []);
  });
});
