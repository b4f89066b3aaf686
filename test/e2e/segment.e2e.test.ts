import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Processes, type CliResult } from '../helpers/cli.js';
import { silentServer } from '../helpers/http.js';
import { makeMotionClip, sampleClips } from '../helpers/media.js';
import { createTestEnv, type TestEnv } from '../helpers/test-library.js';

const run = promisify(execFile);

interface ObjectJson {
  id: number;
  start: number;
  end: number;
  boxes: { t: number; x: number; y: number; w: number; h: number }[];
}

/**
 * 10 s of a still, noisy scene (640×360) where, from 1 s to 9 s, a red 40 px square crosses the top
 * from left to right and a blue one the bottom from right to left, 60 px a second. Their centres at
 * `t`, as fractions of the frame.
 */
async function makeTwoSquaresClip(path: string): Promise<{ red: (t: number) => { x: number; y: number }; blue: (t: number) => { x: number; y: number } }> {
  const filter = "[0]noise=alls=10:allf=t[bg];[bg][1]overlay=x='40+(t-1)*60':y=60:enable='between(t,1,9)'[a];[a][2]overlay=x='560-(t-1)*60':y=260:enable='between(t,1,9)',format=yuv420p";
  const source = (spec: string) => ['-f', 'lavfi', '-i', `${spec}:r=25:d=10`];
  await run('ffmpeg', ['-v', 'error', '-y', ...source('color=c=0x607080:s=640x360'), ...source('color=c=red:s=40x40'), ...source('color=c=blue:s=40x40'), '-filter_complex', filter, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '50', path]);
  return { red: (t) => ({ x: (60 + (t - 1) * 60) / 640, y: 80 / 360 }), blue: (t) => ({ x: (580 - (t - 1) * 60) / 640, y: 280 / 360 }) };
}

interface SegmentJson {
  media: { duration: number; width: number; height: number; file_id?: string; analysed: { frames: number; fps: number } };
  events: { id?: string; start: number; end: number; direction: string | null; colors: { name: string }[]; objects: ObjectJson[]; thumbnail_path?: string | null; clip_path?: string | null; thumbnail_file_id?: string | null; clip_file_id?: string | null }[];
  warnings: string[];
}

function parse(result: CliResult): SegmentJson {
  assert.equal(result.code, 0, `exit ${result.code}\n${result.stderr}`);
  return JSON.parse(result.stdout) as SegmentJson;
}

async function duration(path: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path]);
  return Number(stdout.trim());
}

describe('camtrove segment', () => {
  let env: TestEnv;
  let clip: string;
  const processes = new Processes();
  const segment = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => processes.run(['segment', ...args], { ...env.env(), ...extraEnv }, { timeoutMs: 60_000 });
  const exact = ['--pre-capture', '0', '--post-capture', '0'];

  before(async () => {
    env = await createTestEnv();
    clip = await makeMotionClip(join(env.dir, 'crossing.mp4'), { seconds: 12, from: 3, to: 7 });
  });
  after(async () => {
    await processes.killAll();
    await env.cleanup();
  });

  it('finds the one crossing, with its span, direction and colour, and stores nothing', async () => {
    const result = parse(await segment([clip, '--json', ...exact]));
    assert.equal(result.media.duration, 12);
    assert.equal(result.media.analysed.fps, 5);
    assert.equal(result.events.length, 1, JSON.stringify(result.events));
    const [event] = result.events;
    assert.ok(Math.abs(event!.start - 3) <= 0.4 && Math.abs(event!.end - 7) <= 0.4, `event ${event!.start}-${event!.end}`);
    assert.equal(event!.direction, 'E');
    assert.equal(event!.colors[0]?.name, 'red');
    assert.equal(existsSync(join(env.dir, 'data')), false, 'no library was created');
  });

  it('follows two squares moving on their own as two objects, each box on its square', async () => {
    const squares = await makeTwoSquaresClip(join(env.dir, 'two-squares.mp4'));
    const result = parse(await segment([join(env.dir, 'two-squares.mp4'), ...exact, '--no-clips', '--no-thumbnails', '--json']));
    assert.equal(result.events.length, 1);
    const { objects } = result.events[0]!;
    assert.equal(objects.length, 2, JSON.stringify(objects.map((o) => [o.id, o.start, o.end])));
    assert.deepEqual(objects.map((o) => o.id), [1, 2]);
    for (const object of objects) {
      // Each object is one of the squares for the whole of its track: the one its first box is on.
      const first = object.boxes[0]!;
      const square = first.y < 0.5 ? squares.red : squares.blue;
      assert.ok(object.start <= 1.4 && object.end >= 8.6, `object ${object.id}: ${object.start}-${object.end} s`);
      assert.equal(object.boxes[0]!.t, object.start);
      assert.equal(object.boxes.at(-1)!.t, object.end);
      assert.ok(object.boxes.length >= 35, `a box every analysed frame (5 a second), not ${object.boxes.length}`);
      for (const box of object.boxes) {
        const centre = square(box.t);
        const off = Math.hypot(box.x + box.w / 2 - centre.x, box.y + box.h / 2 - centre.y);
        assert.ok(off < 0.03 && box.w < 0.1 && box.h < 0.2, `object ${object.id} at ${box.t} s: ${JSON.stringify(box)}, its square's centre ${JSON.stringify(centre)}`);
      }
    }
    const tops = objects.map((o) => o.boxes[0]!.y < 0.5);
    assert.deepEqual(tops.sort(), [false, true], 'one object is the red square, the other the blue one');
  });

  it('prints a table for people', async () => {
    const result = await segment([clip]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^#\s+START\s+END\s+PEAK\s+DIR\s+COLOURS/m);
    assert.match(result.stdout, /1 event in 12\.0 s of video \(60 frames analysed at 5 fps, 320x180/);
  });

  it('writes thumbnails, clips and events.json with --out', async () => {
    const out = join(env.dir, 'out');
    const result = parse(await segment([clip, '--json', '--out', out, '--pre-capture', '1', '--post-capture', '1']));
    const [event] = result.events;
    assert.deepEqual((await readdir(out)).sort(), ['event-0001.jpg', 'event-0001.mp4', 'events.json']);
    assert.equal(event!.thumbnail_path, join(out, 'event-0001.jpg'));
    const jpeg = await readFile(join(out, 'event-0001.jpg'));
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    // Stream copy starts at the keyframe at or before the start (GOP 2 s): up to 2 s early, never late.
    const clipSeconds = await duration(join(out, 'event-0001.mp4'));
    const span = event!.end - event!.start;
    assert.ok(clipSeconds >= span - 0.2 && clipSeconds <= span + 2.2, `clip of ${clipSeconds} s for an event of ${span} s`);
    assert.deepEqual(JSON.parse(await readFile(join(out, 'events.json'), 'utf8')), result);
  });

  it('sees nothing in a masked area', async () => {
    const result = parse(await segment([clip, '--json', '--mask', '0,0.3 1,0.3 1,0.7 0,0.7']));
    assert.deepEqual(result.events, []);
  });

  it('reports zones an event touched', async () => {
    const result = parse(await segment([clip, '--json', '--zone', 'right:0.75,0 1,0 1,1 0.75,1', '--zone', 'sky:0,0 1,0 1,0.2 0,0.2']));
    assert.deepEqual((result.events[0] as unknown as { zones: string[] }).zones, ['right']);
  });

  it('refuses bad options and inputs with a clear message and a non-zero exit', async () => {
    const empty = join(env.dir, 'empty.mp4');
    await writeFile(empty, '');
    const text = join(env.dir, 'notes.mp4');
    await writeFile(text, 'a shopping list, not a video\n'.repeat(40));
    for (const [args, message] of [
      [[clip, '--threshold', '0'], /threshold: expected integer to be greater or equal to 1/i],
      [[clip, '--mask', '0,0 1,1'], /mask "0,0 1,1" has 2 points/],
      [[join(env.dir, 'missing.mp4')], /missing\.mp4: no such file/],
      [[empty], /empty\.mp4 is empty \(0 bytes\)/],
      [[text], /CAMTROVE_ERR_MEDIA_UNREADABLE/],
    ] as const) {
      const result = await segment([...args]);
      assert.notEqual(result.code, 0, `${args.join(' ')} succeeded`);
      assert.match(result.stderr, message, args.join(' '));
    }
  });

  it('segments what decodes of a truncated file, warns, and exits 0', async () => {
    const whole = await readFile(clip);
    const cut = join(env.dir, 'cut.mp4');
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
    const result = await segment([cut, '--json', ...exact]);
    const body = parse(result);
    assert.ok(body.warnings.length > 0);
    assert.match(result.stderr, /^warning: /m);
    assert.ok(body.events.length >= 1, 'the crossing early in the file is still found');
  });

  it('gives up on an input that never answers', async () => {
    const { port, close } = await silentServer();
    try {
      const result = await segment([`http://127.0.0.1:${port}/cam.mjpg`], { CAMTROVE_INPUT_STALL_TIMEOUT: '2s' });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /CAMTROVE_ERR_MEDIA_(TIMEOUT|UNREADABLE)/);
    } finally {
      close();
    }
  });

  it('--fast decodes keyframes first, skips the calm stretches and finds the same event', async () => {
    const calm = await makeMotionClip(join(env.dir, 'mostly-calm.mp4'), { seconds: 40, from: 25, to: 29 });
    const quick = [calm, '--json', ...exact, '--no-clips', '--no-thumbnails'];
    const every = parse(await segment(quick));
    const fast = parse(await segment([...quick, '--fast']));
    assert.equal((every.media.analysed as { mode?: string }).mode, 'every frame');
    const analysed = fast.media.analysed as { mode?: string; skipped?: number; frames: number };
    assert.equal(analysed.mode, 'keyframe-first');
    assert.ok(analysed.skipped! >= 15, `skipped ${analysed.skipped} s`);
    assert.ok(analysed.frames < every.media.analysed.frames * 0.7, `${analysed.frames} frames against ${every.media.analysed.frames}`);
    assert.equal(fast.events.length, 1, JSON.stringify(fast.events));
    assert.equal(every.events.length, 1);
    assert.ok(Math.abs(fast.events[0]!.start - every.events[0]!.start) <= 0.2 && Math.abs(fast.events[0]!.end - every.events[0]!.end) <= 0.2, `${fast.events[0]!.start}-${fast.events[0]!.end}`);
    assert.ok(Math.abs(fast.events[0]!.start - 25) <= 0.4 && Math.abs(fast.events[0]!.end - 29) <= 0.4);
  });

  it('segments a live MJPEG stream, and says why its events have no thumbnails or clips', async () => {
    const mjpeg = join(env.dir, 'live.mjpg');
    await run('ffmpeg', ['-v', 'error', '-y', '-i', clip, '-vf', 'fps=10', '-q:v', '5', '-f', 'mpjpeg', mjpeg]);
    const body = await readFile(mjpeg);
    // Served as a camera serves it: multipart, no length, so ffprobe finds no duration.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'multipart/x-mixed-replace;boundary=ffmpeg' });
      res.end(body);
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const out = join(env.dir, 'live-out');
      const result = parse(await segment([`http://127.0.0.1:${(server.address() as AddressInfo).port}/video.mjpg`, '--json', '--out', out]));
      assert.equal(result.events.length, 1, JSON.stringify(result.events));
      assert.deepEqual([result.events[0]!.thumbnail_path, result.events[0]!.clip_path], [null, null]);
      assert.ok(result.warnings.some((w) => /live stream cannot be rewound/.test(w)), result.warnings.join('\n'));
    } finally {
      server.close();
    }
  });

  it('handles rotated phone video: the frame is analysed upright', async () => {
    const rotated = await makeMotionClip(join(env.dir, 'phone.mp4'), { seconds: 8, from: 2, to: 6, rotate: 90 });
    const result = parse(await segment([rotated, '--json', ...exact]));
    assert.deepEqual([result.media.width, result.media.height], [360, 640]);
    assert.equal(result.events.length, 1);
    // Which way the square travels upright is what ffmpeg itself shows: find its row at two times.
    const rowOfRed = async (time: number) => {
      const { stdout } = await run('ffmpeg', ['-v', 'error', '-ss', String(time), '-i', rotated, '-frames:v', '1', '-vf', 'scale=36:64', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer' });
      let best = { row: -1, score: -Infinity };
      for (let i = 0; i < stdout.length; i += 3) {
        const score = stdout[i]! - (stdout[i + 1]! + stdout[i + 2]!) / 2;
        if (score > best.score) best = { row: Math.floor(i / 3 / 36), score };
      }
      return best.row;
    };
    const expected = (await rowOfRed(5)) > (await rowOfRed(3)) ? 'S' : 'N';
    assert.equal(result.events[0]!.direction, expected);
  });

  it('takes times from the file: a wrong frame-rate header gives its own timeline', async (t) => {
    const clips = sampleClips(t, 'Megamind.avi', 'Megamind_bugy.avi');
    if (!clips) return;
    const [right, wrong] = clips;
    for (const [path, length] of [[right, 11.3], [wrong, 9.0]] as const) {
      const result = parse(await segment([path, '--json']));
      assert.ok(Math.abs(result.media.duration - length) < 0.2);
      for (const event of result.events) assert.ok(event.end <= result.media.duration + 1e-6, `${path}: event ends at ${event.end}`);
      assert.ok(result.media.analysed.frames >= Math.floor(length * 5) - 1 && result.media.analysed.frames <= Math.ceil(length * 5) + 1);
    }
  });

  it('on real footage: leaves swaying in wind are not events, the hand that enters is; a busy path is one event, its walkers objects', async (t) => {
    const clips = sampleClips(t, 'tree.avi', 'vtest.avi');
    if (!clips) return;
    const [tree, vtest] = clips;
    const quick = [...exact, '--no-clips', '--no-thumbnails', '--json'];
    const events = parse(await segment([tree, ...quick])).events;
    // While the detector learns the tree (its first seconds) it may see a faint flicker; after that, only the hand.
    assert.deepEqual(events.filter((e) => e.start > 3).length, 1, JSON.stringify(events.map((e) => [e.start, e.end])));
    const hand = parse(await segment([tree, ...quick, '--min-area', '0.1'])).events;
    assert.equal(hand.length, 1, JSON.stringify(hand.map((e) => [e.start, e.end])));
    assert.ok(hand[0]!.start > 22 && hand[0]!.start < 24.5, `the hand enters at about 23 s, not ${hand[0]!.start}`);
    const walkers = parse(await segment([vtest, ...quick, '--event-gap', '1'])).events;
    assert.equal(walkers.length, 1, 'someone walks at every moment');
    assert.ok(walkers[0]!.start <= 1.5 && walkers[0]!.end >= 78, `${walkers[0]!.start}-${walkers[0]!.end}`);
    // Six people or so walk at any moment, each a box of a few % of the frame; the event's box covers them all.
    const { objects } = walkers[0]!;
    const lasting = objects.filter((o) => o.end - o.start > 2);
    assert.ok(lasting.length >= 4, `${lasting.length} objects of more than 2 s`);
    const largest = Math.max(...objects.flatMap((o) => o.boxes.map((b) => b.w * b.h)));
    assert.ok(largest <= 0.5, `an object's box covers ${largest} of the frame`);
  });
});
