// The labeling tool's polygons, points and classification answers in a real browser (Debian's
// chromium through playwright-core) against a real `camtrove serve` on loopback, on a generated
// 16-frame video, checked through the REST API. With CAMTROVE_UPDATE_SCREENSHOTS=1 it also writes
// the tool's screenshot with a polygon to docs/screenshots/.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Server } from '../helpers/cli.js';
import { screenshot, skipWithoutChromium, startLabelingBrowser, type LabelingBrowser } from '../helpers/labeling-browser.js';

const FRAMES = 16;
const PIXEL = 1 / 240;

const INTERFACE = {
  jobs: {
    OBJECTS: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle', 'polygon', 'marker'], required: 1, isChild: false, content: { input: 'radio', categories: { CAR: { name: 'Car', children: ['COLOR'] }, PERSON: { name: 'Person' } } } },
    COLOR: { mlTask: 'CLASSIFICATION', instruction: 'Color', required: 0, isChild: true, content: { input: 'radio', categories: { RED: { name: 'Red' }, BLUE: { name: 'Blue' } } } },
    SIGNS: { mlTask: 'OBJECT_DETECTION', tools: ['marker'], required: 0, isChild: false, content: { input: 'radio', categories: { STOP: { name: 'Stop sign' } } } },
    WEATHER: { mlTask: 'CLASSIFICATION', instruction: 'Weather', required: 0, isChild: false, content: { input: 'radio', categories: { SUN: { name: 'Sun' }, RAIN: { name: 'Rain' } } } },
  },
};

interface Vertex {
  x: number;
  y: number;
}
interface Annotation {
  mid: string;
  type: string;
  isKeyFrame: boolean;
  categories: { name: string }[];
  children?: Record<string, unknown>;
  boundingPoly?: { normalizedVertices: Vertex[] }[];
  point?: Vertex;
}
type FrameAnswers = { OBJECTS?: { annotations: Annotation[] }; SIGNS?: { annotations: Annotation[] }; WEATHER?: { categories: { name: string }[]; isKeyFrame: boolean } };
type JsonResponse = Record<string, FrameAnswers> & { assetLevel?: Record<string, unknown> };

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json()) as T;
  assert.ok(response.ok, `${init?.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

const closeTo = (actual: Vertex, expected: Vertex, what: string) => assert.ok(Math.abs(actual.x - expected.x) <= PIXEL && Math.abs(actual.y - expected.y) <= PIXEL, `${what}: ${JSON.stringify(actual)} is not within a pixel of ${JSON.stringify(expected)}`);

describe('polygons, points and classification answers in a browser', { skip: skipWithoutChromium }, () => {
  let run: LabelingBrowser;
  let server: Server;
  let page: Page;
  let projectId = '';
  let assetId = '';
  /** Where the frame is in the viewport, measured before each test with the page scrolled to its top (a click low in the side panel scrolls it). */
  let area: { x: number; y: number; width: number; height: number } | null = null;
  /** A point of the frame, as a fraction of its width and height, in viewport pixels. */
  const at = (x: number, y: number) => [area!.x + x * area!.width, area!.y + y * area!.height] as const;

  before(async () => {
    run = await startLabelingBrowser('street.mp4', FRAMES);
    ({ server, page } = run);
  });
  after(async () => {
    await run?.close();
  });
  beforeEach(async () => {
    if (!projectId) return;
    await page.evaluate('window.scrollTo(0, 0)');
    area = await page.locator('figure svg').boundingBox();
  });

  async function shown(k: number): Promise<void> {
    await page.locator(`figure[data-frame="${k}"][aria-busy="false"]`).waitFor();
  }

  async function savedLabel(): Promise<JsonResponse> {
    const { labels } = await json<{ labels: { jsonResponse: JsonResponse }[] }>(`${server.url}/api/projects/${projectId}/labels?assetId=${assetId}&labelTypeIn=DEFAULT&withJsonResponse=true`);
    return labels.at(-1)!.jsonResponse;
  }

  it('opens the labeling tool on a project whose job draws boxes, polygons and points, with only those shapes offered', async () => {
    ({ id: projectId } = await json<{ id: string }>(`${server.url}/api/projects`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Street', description: '', inputType: 'VIDEO', jsonInterface: INTERFACE }) }));
    await page.goto(`${server.url}/projects/${projectId}`);
    await page.getByLabel('Upload a video…').setInputFiles(run.clip);
    await page.getByRole('row').filter({ hasText: 'street.mp4' }).getByText('ready').waitFor();
    await page.getByRole('link', { name: 'Label street.mp4' }).click();
    await shown(0);
    assetId = new URL(page.url()).pathname.split('/')[4]!;
    const shapes = page.getByRole('group', { name: 'Shape' }).getByRole('button');
    assert.deepEqual(await shapes.allInnerTexts(), ['Box', 'Polygon', 'Point']);
    area = await page.locator('figure svg').boundingBox();
  });

  it('draws a polygon by clicking its vertices and closing it on the first; Escape drops one half drawn', async () => {
    await page.getByRole('button', { name: 'Polygon', exact: true }).click();
    for (const [x, y] of [[0.2, 0.2], [0.45, 0.25], [0.3, 0.55]] as const) await page.mouse.click(...at(x, y));
    assert.equal(await page.locator('g[data-mid]').count(), 0, 'not closed yet');
    await page.mouse.click(...at(0.2, 0.2));
    const polygon = page.locator('g[data-tool="polygon"]');
    assert.equal(await polygon.getAttribute('data-key-frame'), 'true');
    await page.getByRole('button', { name: 'Car (polygon) · key frames 0' }).waitFor();
    await screenshot(page, 'labeling-polygon');

    await page.keyboard.press('n');
    await page.mouse.click(...at(0.7, 0.7));
    await page.mouse.click(...at(0.8, 0.7));
    await page.keyboard.press('Escape');
    await page.locator('.draft').waitFor({ state: 'detached' });
    assert.equal(await page.locator('g[data-mid]').count(), 1);
  });

  it('puts a point with one click and answers the child job of its category for it', async () => {
    await page.getByRole('button', { name: 'Point', exact: true }).click();
    await page.mouse.click(...at(0.7, 0.4));
    await page.getByRole('button', { name: 'Car (point) · key frames 0' }).waitFor();
    await page.getByRole('group', { name: 'Color' }).getByRole('button', { name: 'Red' }).click();
    assert.equal(await page.getByRole('group', { name: 'Color' }).getByRole('button', { name: 'Red' }).getAttribute('aria-pressed'), 'true');
  });

  it('chooses another object job, offering only its shapes and categories', async () => {
    await page.getByLabel('Job').selectOption('SIGNS');
    await page.getByRole('group', { name: 'Shape' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '1 Stop sign' }).waitFor();
    await page.keyboard.press('n');
    await page.mouse.click(...at(0.9, 0.1));
    await page.getByRole('button', { name: 'Stop sign (point) · key frames 0' }).waitFor();
  });

  it('moves the polygon on frame 4 by dragging it (a key frame there) and one of its vertices', async () => {
    for (let k = 0; k < 4; k++) await page.keyboard.press('ArrowRight');
    await shown(4);
    const polygon = page.locator('g[data-tool="polygon"]');
    assert.equal(await polygon.getAttribute('data-key-frame'), 'false', 'held from frame 0');
    await page.mouse.move(...at(0.3, 0.3));
    await page.mouse.down();
    await page.mouse.move(...at(0.35, 0.35), { steps: 3 });
    await page.mouse.move(...at(0.4, 0.4), { steps: 3 });
    await page.mouse.up();
    assert.equal(await polygon.getAttribute('data-key-frame'), 'true');
    // Its third vertex, now at (0.4, 0.65), dragged to (0.4, 0.9).
    await page.mouse.move(...at(0.4, 0.65));
    await page.mouse.down();
    await page.mouse.move(...at(0.4, 0.9), { steps: 4 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Car (polygon) · key frames 0, 4' }).waitFor();
  });

  it('answers a classification job on frame 4 and for the whole video, saves, and the API has all of it', async () => {
    await page.getByRole('group', { name: 'Weather on this frame' }).getByRole('button', { name: 'Rain' }).click();
    await page.getByRole('group', { name: 'Weather for the whole video' }).getByRole('button', { name: 'Sun' }).click();
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved/ }).waitFor();

    const frames = await savedLabel();
    const annotations = (k: number) => frames[String(k)]?.OBJECTS?.annotations ?? [];
    const polygonOn = (k: number) => annotations(k).find((a) => a.type === 'polygon')!;
    const [first, held, moved] = [polygonOn(0), polygonOn(2), polygonOn(4)];
    assert.deepEqual([first.isKeyFrame, held.isKeyFrame, moved.isKeyFrame], [true, false, true]);
    assert.deepEqual(first.categories, [{ name: 'CAR' }]);
    const vertices = first.boundingPoly![0]!.normalizedVertices;
    [{ x: 0.2, y: 0.2 }, { x: 0.45, y: 0.25 }, { x: 0.3, y: 0.55 }].forEach((v, i) => closeTo(vertices[i]!, v, `frame 0 vertex ${i}`));
    assert.deepEqual(held.boundingPoly, first.boundingPoly, 'a polygon holds between its key frames');
    [{ x: 0.3, y: 0.3 }, { x: 0.55, y: 0.35 }, { x: 0.4, y: 0.9 }].forEach((v, i) => closeTo(moved.boundingPoly![0]!.normalizedVertices[i]!, v, `frame 4 vertex ${i}`));

    const point = annotations(0).find((a) => a.type === 'marker')!;
    closeTo(point.point!, { x: 0.7, y: 0.4 }, 'the point');
    assert.deepEqual(point.children, { COLOR: { categories: [{ name: 'RED' }] } });
    assert.deepEqual(annotations(FRAMES - 1).find((a) => a.type === 'marker')!.children, { COLOR: { categories: [{ name: 'RED' }] } });

    assert.deepEqual(frames['0']!.SIGNS!.annotations.map((a) => [a.type, a.categories]), [['marker', [{ name: 'STOP' }]]]);
    assert.equal(frames['3']!.WEATHER, undefined);
    assert.deepEqual(frames['4']!.WEATHER, { categories: [{ name: 'RAIN' }], isKeyFrame: true });
    assert.deepEqual(frames['10']!.WEATHER, { categories: [{ name: 'RAIN' }], isKeyFrame: false });
    assert.deepEqual(frames.assetLevel, { WEATHER: { categories: [{ name: 'SUN' }] } });
  });

  it('restores all of it on a reload', async () => {
    await page.reload();
    await shown(0);
    await page.getByRole('button', { name: 'Car (polygon) · key frames 0, 4' }).waitFor();
    await page.getByRole('button', { name: 'Car (point) · key frames 0' }).click();
    assert.equal(await page.getByRole('group', { name: 'Color' }).getByRole('button', { name: 'Red' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByRole('group', { name: 'Weather for the whole video' }).getByRole('button', { name: 'Sun' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByRole('group', { name: 'Weather on this frame' }).getByRole('button', { name: 'Rain' }).getAttribute('aria-pressed'), 'false');
    for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowRight');
    await shown(5);
    assert.equal(await page.getByRole('group', { name: 'Weather on this frame' }).getByRole('button', { name: 'Rain' }).getAttribute('aria-pressed'), 'true');
    assert.deepEqual(run.errors, []);
  });
});
