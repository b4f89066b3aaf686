import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { renderClip } from '../../eval/motion/render.js';
import type { Scenario } from '../../eval/motion/scenario.js';

const run = promisify(execFile);
const WIDTH = 320;
const HEIGHT = 180;

/** Every frame of a clip as 8-bit luma. */
async function lumaFrames(clip: string): Promise<Uint8Array[]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', clip, '-vf', 'format=gray', '-f', 'rawvideo', '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset + WIDTH * HEIGHT <= stdout.length; offset += WIDTH * HEIGHT) frames.push(stdout.subarray(offset, offset + WIDTH * HEIGHT));
  return frames;
}

const lumaAt = (frame: Uint8Array, x: number, y: number) => frame[Math.round(y * HEIGHT) * WIDTH + Math.round(x * WIDTH)]!;
const mean = (frame: Uint8Array) => frame.reduce((sum, v) => sum + v, 0) / frame.length;

const base: Omit<Scenario, 'name' | 'objects' | 'effects'> = { about: 'test', width: WIDTH, height: HEIGHT, fps: 10, duration: 4, background: 'gradients' };

describe('evaluation clip rendering', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'camtrove-eval-render-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('draws an object where and when its path says, writes the truth, and reuses the cached clip', async () => {
    const scenario: Scenario = {
      ...base,
      name: 'one-box',
      effects: { noise: 0, crf: 10 },
      objects: [{ shape: 'box', colour: 'white', heightPct: 20, aspect: 1, path: [{ t: 1, x: 0.2, y: 0.5 }, { t: 3, x: 0.8, y: 0.5 }] }],
    };
    const options = { cacheDir: dir, vtest: null, gap: 5 };
    const clip = await renderClip(scenario, options);
    assert.equal(clip.rendered, true);
    const frames = await lumaFrames(clip.path);
    assert.equal(frames.length, 40);
    // Frame 20 is t = 2 s: the box is half way, at x = 0.5.
    assert.ok(lumaAt(frames[20]!, 0.5, 0.5) > 220, `box at the centre at 2 s: ${lumaAt(frames[20]!, 0.5, 0.5)}`);
    assert.ok(Math.abs(lumaAt(frames[20]!, 0.2, 0.5) - lumaAt(frames[5]!, 0.2, 0.5)) < 20, 'nothing left behind at the start point');
    assert.ok(Math.abs(lumaAt(frames[5]!, 0.5, 0.5) - lumaAt(frames[35]!, 0.5, 0.5)) < 10, 'no box before 1 s or after 3 s');
    assert.ok(lumaAt(frames[10]!, 0.2, 0.5) > 220 && lumaAt(frames[30]!, 0.8, 0.5) > 220, 'at its first and last waypoints on time');
    const truth = JSON.parse(await readFile(clip.truthPath, 'utf8')) as { events: unknown; objects: { moving: unknown }[] };
    assert.deepEqual(truth.events, [{ start: 1, end: 3 }]);
    assert.deepEqual(truth.objects[0]!.moving, [{ start: 1, end: 3 }]);
    const again = await renderClip(scenario, options);
    assert.equal(again.rendered, false);
    assert.equal(again.path, clip.path);
  });

  it('flashes exactly one frame and switches the light for good', async () => {
    const scenario: Scenario = { ...base, name: 'light', effects: { noise: 0, crf: 10, flashes: [1], flashGain: 1.8, lightSwitches: [{ at: 2.5, gain: 0.5 }] }, objects: [] };
    const means = (await lumaFrames((await renderClip(scenario, { cacheDir: dir, vtest: null, gap: 5 })).path)).map(mean);
    assert.ok(means[10]! > means[9]! * 1.3 && means[10]! > means[11]! * 1.3, `frame 10 flashed: ${means.slice(8, 13).map((m) => m.toFixed(0)).join(' ')}`);
    assert.ok(Math.abs(means[9]! - means[11]!) < 2, 'only that frame');
    const ratio = means[30]! / means[20]!;
    assert.ok(ratio > 0.45 && ratio < 0.55, `half the light after the switch: ${ratio.toFixed(2)}`);
  });

  it('shakes the whole picture by a few pixels', async () => {
    const scenario: Scenario = { ...base, name: 'shake', background: 'testsrc2', effects: { noise: 0, crf: 10, jitterPx: 3 }, objects: [] };
    const frames = await lumaFrames((await renderClip(scenario, { cacheDir: dir, vtest: null, gap: 5 })).path);
    const moved = frames.slice(1).filter((frame, k) => frame.some((v, i) => Math.abs(v - frames[k]![i]!) > 60)).length;
    assert.ok(moved > frames.length / 2, `${moved} of ${frames.length - 1} frames differ from the one before`);
  });
});
