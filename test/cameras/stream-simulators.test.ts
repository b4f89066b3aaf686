import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHlsCamera } from '../helpers/hls-camera.js';
import { startRtspCamera } from '../helpers/rtsp-camera.js';

interface FfmpegRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
  killed: boolean;
}

/** Runs the ffmpeg CLI as the client; the deadline kills it so a broken simulator cannot hang the suite. */
function ffmpeg(args: string[], deadlineMs = 30_000): Promise<FfmpegRun> {
  const started = Date.now();
  const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  let killed = false;
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, deadlineMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout), stderr, ms: Date.now() - started, killed });
    });
  });
}

const grabArgs = ['-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-'];

function assertJpeg(run: FfmpegRun): void {
  assert.equal(run.code, 0, `ffmpeg failed: ${run.stderr}`);
  assert.ok(run.stdout.length > 100, 'a whole JPEG');
  assert.deepEqual([...run.stdout.subarray(0, 2)], [0xff, 0xd8]);
}

async function playlist(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.apple.mpegurl');
  return res.text();
}

function mediaSequence(text: string): number {
  return Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
}

/** The number of the newest segment, which grows even before the window starts sliding. */
function newestSegment(text: string): number {
  return mediaSequence(text) + text.split('\n').filter((line) => line.trim().endsWith('.ts')).length - 1;
}

test('HLS live: the window slides in real time and ffmpeg decodes a frame', { timeout: 60_000 }, async (t) => {
  const camera = await startHlsCamera({ kind: 'live' });
  t.after(() => camera.close());
  assert.match(camera.url, /^http:\/\/127\.0\.0\.1:\d+\/stream\.m3u8$/);

  const first = await playlist(camera.url);
  assert.ok(!first.includes('#EXT-X-ENDLIST'));
  assert.ok(newestSegment(first) >= 1, 'at least two segments when it resolves');
  await sleep(3_000);
  assert.ok(newestSegment(await playlist(camera.url)) > newestSegment(first), 'new segments within ~3 s');

  // The media sequence itself moves once the five-entry window is full.
  const deadline = Date.now() + 20_000;
  let text = first;
  while (mediaSequence(text) <= mediaSequence(first) && Date.now() < deadline) {
    await sleep(500);
    text = await playlist(camera.url);
  }
  assert.ok(mediaSequence(text) > mediaSequence(first), `media sequence advanced:\n${text}`);

  const segment = /^seg\d+\.ts$/m.exec(text)?.[0];
  assert.ok(segment);
  const res = await fetch(new URL(segment, camera.url));
  assert.equal(res.headers.get('content-type'), 'video/mp2t');
  assert.equal((await res.arrayBuffer()).byteLength > 0, true);

  assertJpeg(await ffmpeg(['-i', camera.url, ...grabArgs]));
});

test('HLS vod: a finished playlist whose frames change over time', { timeout: 60_000 }, async (t) => {
  const camera = await startHlsCamera({ kind: 'vod' });
  t.after(() => camera.close());

  const text = await playlist(camera.url);
  assert.ok(text.includes('#EXT-X-ENDLIST'));
  assert.ok(text.includes('#EXT-X-PLAYLIST-TYPE:VOD'));

  const early = await ffmpeg(['-ss', '2', '-i', camera.url, ...grabArgs]);
  const late = await ffmpeg(['-ss', '8', '-i', camera.url, ...grabArgs]);
  assertJpeg(early);
  assertJpeg(late);
  assert.ok(!early.stdout.equals(late.stdout), 'a frame at 2 s differs from one at 8 s');
});

test('HLS faults and paths: playlist status, 404s, no traversal', { timeout: 60_000 }, async (t) => {
  const camera = await startHlsCamera({ kind: 'vod', seconds: 2, faults: { playlistStatus: 404 } });
  t.after(() => camera.close());

  assert.equal((await fetch(camera.url)).status, 404);
  const base = camera.url.replace(/\/stream\.m3u8$/, '');
  assert.equal((await fetch(`${base}/seg00000.ts`)).status, 200, 'segments are still served');
  assert.equal((await fetch(`${base}/nothing.ts`)).status, 404);
  assert.equal((await fetch(`${base}/%2e%2e%2fetc%2fpasswd`)).status, 404);
  assert.equal((await fetch(`${base}/..%2f..%2f..%2fetc%2fhosts`)).status, 404);
});

test('RTSP: ffmpeg plays over interleaved TCP; UDP is refused; requests are framed correctly', { timeout: 60_000 }, async (t) => {
  const camera = await startRtspCamera();
  t.after(() => camera.close());
  assert.match(camera.url, /^rtsp:\/\/127\.0\.0\.1:\d+\/stream$/);

  // One request split across two writes, then two requests in one write.
  const port = Number(new URL(camera.url).port);
  const socket = connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  let received = '';
  socket.setEncoding('latin1').on('data', (text: string) => (received += text));
  socket.write(`OPTIONS ${camera.url} RTSP/1.0\r\nCS`);
  await sleep(100);
  socket.write('eq: 1\r\n\r\n');
  socket.write(`OPTIONS ${camera.url} RTSP/1.0\r\nCSeq: 2\r\n\r\nDESCRIBE ${camera.url} RTSP/1.0\r\nCSeq: 3\r\nAccept: application/sdp\r\n\r\n`);
  const deadline = Date.now() + 5_000;
  while (!received.includes('CSeq: 3') && Date.now() < deadline) await sleep(50);
  assert.deepEqual([...received.matchAll(/CSeq: (\d+)/g)].map((m) => m[1]), ['1', '2', '3']);
  assert.match(received, /sprop-parameter-sets=/);
  assert.match(received, /a=control:trackID=0/);

  const frame = await ffmpeg(['-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', camera.url, ...grabArgs], 20_000);
  assertJpeg(frame);
  assert.ok(frame.ms < 10_000, `a frame within ~10 s, took ${frame.ms} ms`);
  assert.equal(camera.sessions(), 1);

  const udp = await ffmpeg(['-rtsp_transport', 'udp', '-timeout', '5000000', '-i', camera.url, ...grabArgs], 20_000);
  assert.notEqual(udp.code, 0);
  assert.match(udp.stderr, /461/);
  assert.equal(camera.sessions(), 1);
});

test('RTSP credentials: Basic auth on DESCRIBE', { timeout: 60_000 }, async (t) => {
  const camera = await startRtspCamera({ credentials: { username: 'admin', password: 'secret' } });
  t.after(() => camera.close());

  const anonymous = await ffmpeg(['-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', camera.url, ...grabArgs], 20_000);
  assert.notEqual(anonymous.code, 0);
  assert.match(anonymous.stderr, /401/);

  const wrong = await ffmpeg(['-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', camera.url.replace('rtsp://', 'rtsp://admin:nope@'), ...grabArgs], 20_000);
  assert.notEqual(wrong.code, 0);

  assertJpeg(await ffmpeg(['-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', camera.url.replace('rtsp://', 'rtsp://admin:secret@'), ...grabArgs], 20_000));
  assert.equal(camera.sessions(), 1);
});

test('RTSP fault silent: the socket timeout bounds the wait', { timeout: 60_000 }, async (t) => {
  const camera = await startRtspCamera({ fault: 'silent' });
  t.after(() => camera.close());

  const run = await ffmpeg(['-rtsp_transport', 'tcp', '-timeout', '2000000', '-i', camera.url, ...grabArgs], 30_000);
  assert.equal(run.killed, false, 'ffmpeg gave up by itself');
  assert.notEqual(run.code, 0);
  assert.ok(run.ms < 15_000, `failed within a bounded time, took ${run.ms} ms`);
  assert.equal(run.stdout.length, 0);
});

test('RTSP fault no-media: PLAY succeeds but no frame ever arrives', { timeout: 60_000 }, async (t) => {
  const camera = await startRtspCamera({ fault: 'no-media' });
  t.after(() => camera.close());

  const run = await ffmpeg(['-rtsp_transport', 'tcp', '-timeout', '3000000', '-i', camera.url, ...grabArgs], 15_000);
  assert.equal(run.stdout.length, 0, 'no frame');
  assert.ok(run.killed || run.code !== 0, 'ffmpeg did not report success');
  assert.equal(camera.sessions(), 1, 'the session reached PLAY');
});
