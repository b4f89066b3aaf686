import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { Agent, request } from 'undici';
import { Camtrove, type AppendAnswer } from '../src/sdk/index.js';
import { fmt, median, percentile, projectRoot, ratio, runCommand, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir } from './lib/files.js';
import { keyFramesResponse } from './lib/key-frames-label.js';
import { untilPrepared } from './lib/prepared.js';
import { startServer } from './lib/server.js';
import { tenMinuteVideo } from './lib/ten-minute-video.js';

const CHROMIUM = '/usr/bin/chromium';
const TRACKS = 50;
const KEY_EVERY = 50;
/** Frames stepped with ArrowRight, then stepped back over (held in the tool's cache), then played. */
const STEPS = 200;
const STEPS_BACK = 20;
const PLAYED = 200;
/** The goal of issue 19: stepping at 20 frames/s or better. */
const GOAL_FPS = 20;
/** The split asset is the first minute: preparing all 15,000 frames as images takes minutes. */
const SPLIT_SECONDS = 60;
const JOB = 'OBJECTS';
const INTERFACE = { jobs: { [JOB]: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], content: { categories: { CAR: { name: 'Car' }, PERSON: { name: 'Person' } }, input: 'radio' } } } };

/**
 * Runs in the page (a string: the page gets no compiled helpers). Steps and plays through the
 * tool's keyboard handler and times each frame from the key press to the stage showing it: the
 * stage sets `data-frame` and `aria-busy="false"` once the frame is drawn on its canvas, and the
 * time is taken at the next animation frame, when the browser paints it.
 */
const IN_PAGE = `window.labelingBench = (() => {
  const figure = () => document.querySelector('figure[aria-label="Frame"]');
  const shownFrame = () => { const f = figure(); return f && f.getAttribute('aria-busy') === 'false' ? Number(f.dataset.frame) : null; };
  const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
  const press = (key) => document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  const watch = (onChange) => { const o = new MutationObserver(onChange); o.observe(figure(), { attributes: true, attributeFilter: ['data-frame', 'aria-busy'] }); return o; };
  const until = (want) => new Promise((resolve, reject) => {
    let observer = null;
    const timer = setTimeout(() => { observer && observer.disconnect(); reject(new Error('frame ' + want + ' not shown in 60 s; the stage shows ' + figure().dataset.frame)); }, 60000);
    const check = () => { if (shownFrame() !== want) return false; observer && observer.disconnect(); clearTimeout(timer); nextPaint().then(resolve); return true; };
    if (!check()) observer = watch(check);
  });
  async function step(count, key) {
    const times = [];
    const by = key === 'ArrowRight' ? 1 : -1;
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const want = shownFrame() + by;
      const t0 = performance.now();
      press(key);
      times.push((await until(want)) - t0);
    }
    return { times, ms: performance.now() - started };
  }
  function play(frames) {
    const from = shownFrame();
    const shown = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { observer.disconnect(); press(' '); reject(new Error('playing did not reach frame ' + (from + frames) + ' in 60 s')); }, 60000);
      const observer = watch(() => {
        const k = shownFrame();
        if (k === null || k === (shown.length ? shown[shown.length - 1][0] : from)) return;
        shown.push([k, performance.now()]);
        if (k >= from + frames) { observer.disconnect(); clearTimeout(timer); press(' '); resolve({ from, started, shown }); }
      });
      const started = performance.now();
      press(' ');
    });
  }
  function frameRequests() {
    return performance.getEntriesByType('resource').filter((e) => e.name.includes('/frames/')).map((e) => ({ ms: e.responseEnd - e.startTime, bytes: e.encodedBodySize }));
  }
  performance.setResourceTimingBufferSize(100000);
  return { step, play, frameRequests, shownFrame };
})();`;

interface Timings {
  /** Each frame's time, ms, in the order shown. */
  times: number[];
  /** The whole run, ms. */
  ms: number;
}

interface AssetRun {
  name: string;
  server: Timings;
  forward: Timings;
  back: Timings;
  play: Timings & { frames: number; skipped: number };
  /** The browser's frame requests while stepping forward: median time and size. */
  requestMs: number;
  requestKiB: number;
}

const summarise = (t: Timings) => {
  const sorted = [...t.times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? NaN, fps: (t.times.length * 1000) / t.ms };
};
const describeTimings = (t: Timings) => {
  const s = summarise(t);
  return `p50 ${fmt(s.p50)} / p95 ${fmt(s.p95)} / max ${fmt(s.max)} ms, ${fmt(s.fps)} frames/s`;
};

/**
 * The labeling tool in headless chromium on a 10-minute 1080p 25 fps H.264 video with a 50-track
 * label (keyed every 50 frames), served by `camtrove serve` on loopback, once added as a video
 * (frames decoded on request) and once split into frames (its first minute: preparation stores each
 * frame's JPEG). For each: the tool opens at frame 0 and steps 200 frames with ArrowRight, each as
 * soon as the one before is shown; steps back 20 (frames the tool holds); plays 200 frames with
 * Space. Each frame's time runs from the key press to the first paint after the stage shows it
 * (playing: between frames shown). The baseline is the server alone: the same number of frames, at
 * the same distance from a key frame, asked for one after the other over HTTP, nothing decoded.
 */
export const labelingToolBenchmark: Benchmark = {
  name: 'labeling-tool',
  description: 'the labeling tool in chromium stepping and playing a 10-minute 1080p video with 50 tracks, vs the server answering the same frames alone',
  needsBuild: true,
  async run({ log }) {
    if (!existsSync(CHROMIUM)) throw new Error(`needs Debian's chromium at ${CHROMIUM} (apt-get install chromium)`);
    if (!existsSync(join(projectRoot, 'dist', 'web', 'index.html'))) throw new Error('needs the built web app (npm run build)');
    log('one round (a browser run is minutes, and each frame is a sample of its own)');
    const video = await tenMinuteVideo(log);
    const dir = await makeTempDir('labeling-tool');
    const server = await startServer({ dataDir: join(dir.path, 'data'), logFile: join(dir.path, 'serve.log') });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const clip = join(dir.path, 'first-minute.mp4');
      await runCommand('ffmpeg', ['-v', 'error', '-y', '-i', video, '-t', String(SPLIT_SECONDS), '-c', 'copy', clip]);
      const sdk = new Camtrove({ apiEndpoint: server.url });
      const { id: projectId } = await sdk.createProject({ title: 'bench labeling tool', inputType: 'VIDEO', jsonInterface: INTERFACE });
      const add = async (externalId: string, content: string, shouldUseNativeVideo: boolean) => {
        const started = performance.now();
        const answer = await sdk.appendManyToDataset({ projectId, contentArray: [content], externalIdArray: [externalId], jsonMetadataArray: [{ processingParameters: { shouldUseNativeVideo } }], waitUntilAvailability: false });
        await untilPrepared(sdk, server.url, projectId, (answer as Partial<AppendAnswer>).batchId ?? null);
        const [asset] = await sdk.assets({ projectId, externalIdStrictlyIn: [externalId], fields: ['id', 'numberOfFrames'] });
        if (!asset?.numberOfFrames) throw new Error(`the ${externalId} asset was not prepared`);
        const labelStarted = performance.now();
        await sdk.appendLabels({ projectId, assetIdArray: [asset.id], jsonResponseArray: [keyFramesResponse(asset.numberOfFrames, TRACKS, { job: JOB, keyEvery: KEY_EVERY })] });
        log(`${externalId}: ${asset.numberOfFrames} frames, added and prepared in ${fmt((labelStarted - started) / 1000, 1)} s; ${TRACKS}-track label written in ${fmt((performance.now() - labelStarted) / 1000, 1)} s`);
        return { id: asset.id, frames: asset.numberOfFrames };
      };
      const assets = [
        { name: 'video', ...(await add('video', video, true)) },
        { name: 'split into frames', ...(await add('split-frames', clip, false)) },
      ];
      const runs: AssetRun[] = [];
      for (const asset of assets) {
        // Frame 1000 is a key frame, as frame 0 is, and far from the frames the tool asks for.
        const serverAlone = await serverAnswers(server.url, asset.id, 1000, STEPS);
        log(`${asset.name}, the server alone, frames 1000-${1000 + STEPS - 1} one after the other over HTTP: ${describeTimings(serverAlone)}`);
        const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        try {
          const trace = process.env.CAMTROVE_BENCH_TRACE ? `${process.env.CAMTROVE_BENCH_TRACE}-${asset.name.replaceAll(' ', '-')}.json` : null;
          const run = await inBrowser(page, `${server.url}/projects/${projectId}/assets/${asset.id}/label`, trace);
          if (trace) log(`${asset.name}: a trace of the held steps written to ${trace}`);
          if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
          runs.push({ name: asset.name, server: serverAlone, ...run });
          log(`${asset.name}, stepping forward ${STEPS} frames in the tool: ${describeTimings(run.forward)}; its frame requests ${fmt(run.requestMs)} ms at the median, ${fmt(run.requestKiB, 0)} KiB`);
          log(`${asset.name}, stepping back ${STEPS_BACK} frames the tool holds: ${describeTimings(run.back)}`);
          log(`${asset.name}, playing ${PLAYED} frames (Space): ${run.play.frames} shown, ${run.play.skipped} skipped, between frames ${describeTimings(run.play)}`);
        } finally {
          await page.close();
        }
      }
      return runs.flatMap(rows);
    } finally {
      await browser.close();
      await server.stop();
      await dir.remove();
    }
  },
};

/** Frames `from` ... `from + count - 1` asked for one after the other over one kept-alive connection. */
async function serverAnswers(url: string, assetId: string, from: number, count: number): Promise<Timings> {
  const dispatcher = new Agent({ connections: 1 });
  try {
    const times: number[] = [];
    const started = performance.now();
    for (let k = from; k < from + count; k += 1) {
      const t0 = performance.now();
      const res = await request(`${url}/api/assets/${assetId}/frames/${k}`, { dispatcher });
      const bytes = (await res.body.arrayBuffer()).byteLength;
      if (res.statusCode !== 200 || bytes === 0) throw new Error(`frame ${k}: HTTP ${res.statusCode}`);
      times.push(performance.now() - t0);
    }
    return { times, ms: performance.now() - started };
  } finally {
    await dispatcher.close();
  }
}

async function inBrowser(page: Page, url: string, tracePath: string | null): Promise<Omit<AssetRun, 'name' | 'server'>> {
  await page.goto(url);
  await page.locator('figure[data-frame="0"][aria-busy="false"]').waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: /^Car ·|^Person ·/ }).first().waitFor();
  await page.evaluate(IN_PAGE);
  const forward = await page.evaluate<Timings, number>((n) => (globalThis as unknown as Bench).labelingBench.step(n, 'ArrowRight'), STEPS);
  const requests = await page.evaluate(() => (globalThis as unknown as Bench).labelingBench.frameRequests());
  // A Chrome trace of the held steps (open it in the browser's Performance panel) shows where their time goes.
  if (tracePath) await page.context().browser()!.startTracing(page, { path: tracePath });
  const back = await page.evaluate<Timings, number>((n) => (globalThis as unknown as Bench).labelingBench.step(n, 'ArrowLeft'), STEPS_BACK);
  if (tracePath) await page.context().browser()!.stopTracing();
  const played = await page.evaluate<PlayResult, number>((n) => (globalThis as unknown as Bench).labelingBench.play(n), PLAYED);
  const instants = [played.started, ...played.shown.map(([, at]) => at)];
  const lastShown = played.shown[played.shown.length - 1]![0];
  return {
    forward,
    back,
    play: { times: instants.slice(1).map((at, i) => at - instants[i]!), ms: instants[instants.length - 1]! - played.started, frames: played.shown.length, skipped: lastShown - played.from - played.shown.length },
    requestMs: median(requests.map((r) => r.ms)),
    requestKiB: median(requests.map((r) => r.bytes)) / 1024,
  };
}

interface PlayResult {
  from: number;
  started: number;
  /** [frame, when shown] */
  shown: [number, number][];
}
interface Bench {
  labelingBench: {
    step(count: number, key: string): Promise<Timings>;
    play(frames: number): Promise<PlayResult>;
    frameRequests(): { ms: number; bytes: number }[];
  };
}

function rows(run: AssetRun): SummaryRow[] {
  const server = summarise(run.server);
  const row = (metric: string, t: Timings, goal: boolean): SummaryRow => {
    const s = summarise(t);
    return {
      benchmark: 'labeling-tool',
      metric: `${run.name}: ${metric}, p50 / p95 / max ms (frames/s)`,
      value: `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.max)} (${fmt(s.fps)})`,
      baseline: `server alone ${fmt(server.p50)} / ${fmt(server.p95)} / ${fmt(server.max)} (${fmt(server.fps)})`,
      ratio: ratio(s.p50, server.p50),
      goal: goal ? `>= ${GOAL_FPS} frames/s` : '',
      met: goal ? s.fps >= GOAL_FPS : null,
    };
  };
  return [
    row(`ArrowRight ${STEPS} frames`, run.forward, true),
    row(`ArrowLeft ${STEPS_BACK} frames held`, run.back, false),
    { ...row(`Space, ${PLAYED} frames, ${run.play.skipped} skipped`, run.play, true), met: (run.play.frames * 1000) / run.play.ms >= GOAL_FPS },
  ];
}
