// The labeling tool's predictions layer in a real browser (Debian's chromium through playwright-core)
// against a real `camtrove serve` on loopback: an asset with PREDICTION labels of two models (made
// through the API, as a detector would), accepted, rejected, undone and saved; Submit; the question
// before leaving with unsaved work; and the motion prediction of an asset made from an event. With CAMTROVE_UPDATE_SCREENSHOTS=1 it also writes the
// tool's screenshot with its predictions to docs/screenshots/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { Camtrove, type JsonResponse } from '../../src/sdk/index.js';
import { apiClient } from '../helpers/api.js';
import type { Server } from '../helpers/cli.js';
import { screenshot, skipWithoutChromium, startLabelingBrowser, type LabelFrames as Frames, type LabelingBrowser, type Vertex } from '../helpers/labeling-browser.js';
import { makeMotionClip } from '../helpers/media.js';

const FRAMES = 30;

/** Kili's rectangle (bottom-left, top-left, top-right, bottom-right). */
const rectangle = (x: number, y: number, w: number, h: number): Vertex[] => [{ x, y: y + h }, { x, y }, { x: x + w, y }, { x: x + w, y: y + h }];
const annotation = (mid: string, category: string, vertices: Vertex[]) => ({ mid, type: 'rectangle', categories: [{ name: category }], isKeyFrame: true, boundingPoly: [{ normalizedVertices: vertices }] });

// The motion model's person walks from key frame 2 to key frame 12; its car stands from frame 5.
const PERSON_2 = rectangle(0.1, 0.3, 0.15, 0.4);
const PERSON_12 = rectangle(0.5, 0.35, 0.15, 0.4);
const motion: JsonResponse = {
  '2': { OBJECTS: { annotations: [annotation('motion-1', 'PERSON', PERSON_2)] } },
  '5': { OBJECTS: { annotations: [annotation('motion-2', 'CAR', rectangle(0.6, 0.05, 0.3, 0.25))] } },
  '12': { OBJECTS: { annotations: [annotation('motion-1', 'PERSON', PERSON_12)] } },
};
const detector: JsonResponse = { '0': { OBJECTS: { annotations: [annotation('truck', 'CAR', rectangle(0.05, 0.7, 0.3, 0.25))] } } };

describe('predictions in the labeling tool, in a browser', { skip: skipWithoutChromium }, () => {
  let run: LabelingBrowser;
  let server: Server;
  let page: Page;
  let errors: string[];
  let projectId = '';
  let assetId = '';

  before(async () => {
    run = await startLabelingBrowser('yard.mp4', FRAMES);
    ({ server, page, errors } = run);
    const { clip } = run;
    const camtrove = new Camtrove({ apiEndpoint: server.url });
    const categories = { CAR: { name: 'Car' }, PERSON: { name: 'Person' } };
    ({ id: projectId } = await camtrove.createProject({ title: 'Yard', inputType: 'VIDEO', jsonInterface: { jobs: { OBJECTS: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], content: { input: 'radio', categories } } } } }));
    ({ assetIds: [assetId = ''] } = await camtrove.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: ['yard.mp4'] }));
    await camtrove.createPredictions({ projectId, assetIdArray: [assetId], jsonResponseArray: [motion], modelName: 'camtrove-motion' });
    await camtrove.createPredictions({ projectId, assetIdArray: [assetId], jsonResponseArray: [detector], modelName: 'detector-v1' });
  });
  after(async () => {
    await run?.close();
  });

  async function shown(k: number): Promise<void> {
    await page.locator(`figure[data-frame="${k}"][aria-busy="false"]`).waitFor();
  }
  const listed = () => page.getByRole('region', { name: 'Predictions' }).getByRole('listitem');
  const onFrame = (id: string) => page.locator(`g[data-prediction="${id}"]`);
  async function defaultLabel(): Promise<Frames> {
    const response = await fetch(`${server.url}/api/projects/${projectId}/labels?assetId=${assetId}&labelTypeIn=DEFAULT&withJsonResponse=true`);
    assert.equal(response.status, 200);
    const { labels } = (await response.json()) as { labels: { jsonResponse: Frames }[] };
    return labels.at(-1)!.jsonResponse;
  }
  async function labelsOf(id: string, labelType: string): Promise<{ id: string; modelName: string | null; jsonResponse: Frames }[]> {
    const response = await fetch(`${server.url}/api/projects/${projectId}/labels?assetId=${id}&labelTypeIn=${labelType}&withJsonResponse=true`);
    assert.equal(response.status, 200);
    return ((await response.json()) as { labels: { id: string; modelName: string | null; jsonResponse: Frames }[] }).labels;
  }
  const keyFramesOf = (frames: Frames, mid: string) =>
    Array.from({ length: FRAMES }, (_, k) => k).filter((k) => frames[String(k)]?.OBJECTS?.annotations.some((a) => a.mid === mid && a.isKeyFrame));

  it('shows each model\'s newest predictions as their own layer; accepting one makes it a track, undoable, and saved with the label', async () => {
    await page.goto(`${server.url}/projects/${projectId}`);
    await page.getByRole('link', { name: 'Label yard.mp4' }).click();
    await shown(0);
    assert.deepEqual(await listed().getByRole('button', { name: /^(Person|Car) · key frames/ }).allInnerTexts(), [
      'Person · key frames 2, 12 (camtrove-motion)',
      'Car · key frames 5 (camtrove-motion)',
      'Car · key frames 0 (detector-v1)',
    ]);
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    await shown(6);
    // Drawn apart from the labeler's boxes (none yet): dotted, named by their model, not picked by the pointer.
    await onFrame('camtrove-motion/motion-1').waitFor();
    assert.equal(await page.locator('g[data-mid]').count(), 0);
    assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('g[data-prediction] rect')).strokeDasharray`), '2px, 4px');
    assert.equal(await page.evaluate(`getComputedStyle(document.querySelector('.prediction-layer')).pointerEvents`), 'none');
    assert.equal(await onFrame('camtrove-motion/motion-1').textContent(), 'camtrove-motion: Person');
    await screenshot(page, 'labeling-predictions');

    await page.getByRole('button', { name: 'Accept Person · key frames 2, 12 (camtrove-motion)' }).click();
    await page.locator('g[data-mid="motion-1"]').waitFor();
    await onFrame('camtrove-motion/motion-1').waitFor({ state: 'detached' });
    await page.getByRole('list').getByRole('button', { name: 'Person · key frames 2, 12', exact: true }).waitFor();
    assert.equal(await listed().count(), 2);
    // One edit: undone, the prediction is back and the track gone; redone, accepted again.
    await page.keyboard.press('Control+z');
    await onFrame('camtrove-motion/motion-1').waitFor();
    assert.equal(await page.locator('g[data-mid]').count(), 0);
    assert.equal(await listed().count(), 3);
    await page.keyboard.press('Control+Shift+Z');
    await page.locator('g[data-mid="motion-1"]').waitFor();
    assert.equal(await listed().count(), 2);

    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved/ }).waitFor();
    const frames = await defaultLabel();
    assert.deepEqual(keyFramesOf(frames, 'motion-1'), [2, 12]);
    const boxOn = (k: number) => frames[String(k)]!.OBJECTS!.annotations.find((a) => a.mid === 'motion-1')!;
    assert.deepEqual(boxOn(2).categories, [{ name: 'PERSON' }]);
    assert.deepEqual(boxOn(2).boundingPoly[0]!.normalizedVertices, PERSON_2);
    assert.deepEqual(boxOn(12).boundingPoly[0]!.normalizedVertices, PERSON_12);
    assert.deepEqual(keyFramesOf(frames, 'motion-2'), [], 'the predictions not accepted are not in the label');
    assert.deepEqual(errors, []);
  });

  it('X rejects the marked prediction (undoable), V hides the layer, Shift+A accepts the rest, and the help panel lists these keys', async () => {
    const marked = page.locator('.predictions li.marked');
    assert.match(await marked.innerText(), /^Car · key frames 5 \(camtrove-motion\)/);
    await page.keyboard.press('x');
    await onFrame('camtrove-motion/motion-2').waitFor({ state: 'detached' });
    assert.equal(await listed().count(), 1);
    await page.keyboard.press('Control+z');
    await onFrame('camtrove-motion/motion-2').waitFor();
    assert.equal(await listed().count(), 2);
    await page.getByRole('button', { name: 'Reject Car · key frames 5 (camtrove-motion)' }).click();
    await onFrame('camtrove-motion/motion-2').waitFor({ state: 'detached' });

    // V hides the layer (the list stays) and shows it again.
    await page.keyboard.press('v');
    await page.locator('.prediction-layer').waitFor({ state: 'detached' });
    assert.equal(await page.getByLabel('Show on the frame (V)').isChecked(), false);
    await page.keyboard.press('v');
    await page.locator('.prediction-layer').waitFor();

    await page.keyboard.press('Shift+A');
    await page.getByRole('region', { name: 'Predictions' }).getByText('None to review.').waitFor();
    await page.getByRole('list').getByRole('button', { name: 'Car · key frames 0', exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: /^Unsaved changes/ }).waitFor();

    await page.keyboard.press('?');
    const help = page.getByRole('region', { name: 'Keyboard' });
    for (const action of ['accept every prediction listed', 'reject the marked prediction', 'show or hide the predictions']) await help.getByText(action, { exact: true }).waitFor();
    await page.keyboard.press('Escape');
    assert.deepEqual(errors, []);
  });

  it('asks before leaving with unsaved work by the menu or the back button; Submit saves and returns to the project', async () => {
    const label = `/projects/${projectId}/assets/${assetId}/label`;
    const question = page.getByRole('alertdialog', { name: 'Leave without saving?' });
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Projects' }).click();
    await question.waitFor();
    await question.getByRole('button', { name: 'Stay' }).click();
    await question.waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).pathname, label);
    await page.evaluate('history.back()');
    await question.waitFor();
    // A modal question: it has the focus, the tool's keys do nothing under it, and Escape means Stay.
    assert.equal(await page.evaluate('document.activeElement.textContent.trim()'), 'Stay');
    const frameShown = await page.locator('figure[aria-label="Frame"]').getAttribute('data-frame');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    assert.equal(await page.locator('figure[aria-label="Frame"]').getAttribute('data-frame'), frameShown);
    assert.equal(new URL(page.url()).pathname, label);
    await page.locator('g[data-mid="truck"]').waitFor();

    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Yard', exact: true }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/projects/${projectId}`);
    const frames = await defaultLabel();
    assert.deepEqual([keyFramesOf(frames, 'motion-1'), keyFramesOf(frames, 'truck'), keyFramesOf(frames, 'motion-2')], [[2, 12], [0], []]);

    // Saved, nothing asks: to the tool and back by the menu.
    await page.getByRole('link', { name: 'Label yard.mp4' }).click();
    await shown(0);
    // The accepted ones are in the label, so not offered again; a rejection lasts a session.
    await listed().first().waitFor();
    assert.deepEqual(await listed().getByRole('button', { name: /key frames/ }).first().innerText(), 'Car · key frames 5 (camtrove-motion)');
    assert.equal(await listed().count(), 1);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('heading', { level: 1, name: 'Projects', exact: true }).waitFor();
    assert.deepEqual(errors, []);
  });

  it('accepts the camtrove-motion prediction of an asset made from a motion event, and the label has its key frames', async () => {
    // A red square crossing a still scene, segmented into an event; the event made an asset.
    const clip = await makeMotionClip(join(run.dir, 'gate.mp4'), { seconds: 4, from: 1, to: 3 });
    const api = apiClient(server.url);
    const fileId = await api.upload(await readFile(clip), 'gate.mp4');
    await api.succeed({ analysis: 'segment', file_id: fileId }, 60_000);
    const camtrove = new Camtrove({ apiEndpoint: server.url });
    const { assetIds } = await camtrove.appendEventsToDataset({ projectId, where: { media: fileId } });
    assert.equal(assetIds.length, 1);
    const eventAsset = assetIds[0]!;
    const [prediction, ...others] = await labelsOf(eventAsset, 'PREDICTION');
    assert.ok(prediction && others.length === 0);
    assert.equal(prediction.modelName, 'camtrove-motion');
    const mids = new Set(Object.values(prediction.jsonResponse).flatMap((frame) => frame.OBJECTS?.annotations.map((a) => a.mid) ?? []));
    assert.equal(mids.size, 1, 'one moving object, one track');
    const [mid] = [...mids] as [string];

    await page.goto(`${server.url}/projects/${projectId}/assets/${eventAsset}/label`);
    await shown(0);
    assert.equal(await listed().count(), 1);
    await listed().getByText('(camtrove-motion)').waitFor();
    await page.keyboard.press('a');
    await page.getByRole('region', { name: 'Predictions' }).getByText('None to review.').waitFor();
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved/ }).waitFor();

    const [label] = await labelsOf(eventAsset, 'DEFAULT');
    // The same key frames, and the same box on every frame the object is on.
    assert.deepEqual(keyFramesOf(label!.jsonResponse, mid), keyFramesOf(prediction.jsonResponse, mid));
    const framesWith = (frames: Frames) => Object.keys(frames).map(Number).filter((k) => frames[String(k)]?.OBJECTS?.annotations.some((a) => a.mid === mid)).sort((a, b) => a - b);
    const predicted = framesWith(prediction.jsonResponse);
    assert.ok(predicted.length >= 10, `on ${predicted.length} frames`);
    assert.deepEqual(framesWith(label!.jsonResponse), predicted);
    const vertices = (frames: Frames, k: number) => frames[String(k)]!.OBJECTS!.annotations.find((a) => a.mid === mid)!.boundingPoly[0]!.normalizedVertices;
    for (const k of predicted) {
      vertices(label!.jsonResponse, k).forEach((v, at) => {
        const p = vertices(prediction.jsonResponse, k)[at]!;
        assert.ok(Math.abs(v.x - p.x) < 1e-9 && Math.abs(v.y - p.y) < 1e-9, `frame ${k} vertex ${at}`);
      });
    }
    assert.deepEqual(errors, []);
  });
});
