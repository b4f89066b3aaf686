import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { QueueWorker } from '../../src/adapters/queue/job-queue.js';
import type { videoInfoJson } from '../../src/domain/video-info.js';
import { apiClient, eventually, ffprobeStreams, type AnalysisRecordBody, type ApiError } from '../helpers/api.js';
import { listen } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { openTestLibrary } from '../helpers/test-library.js';

const run = promisify(execFile);

type ProbeResult = ReturnType<typeof videoInfoJson>;

interface FramesResult {
  count: number;
  frames: { index: number; time: number; file_id: string }[];
}

/** ffmpeg processes started by this process (its workers) whose command line mentions `needle`. */
async function ffmpegProcessesReading(needle: string): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'ppid=,args=']);
  return stdout.split('\n').filter((line) => {
    const [ppid, ...args] = line.trim().split(/\s+/);
    return Number(ppid) === process.pid && /\bffmpeg\b/.test(args[0] ?? '') && line.includes(needle);
  });
}

describe('analyses API', () => {
  let library: Awaited<ReturnType<typeof openTestLibrary>>;
  let server: Awaited<ReturnType<typeof listen>>;
  let worker: QueueWorker;
  let api: ReturnType<typeof apiClient>;
  /** 3 s, 320x240, 10 fps, H.264 with an AAC tone. */
  let clipId: string;
  /** 2 s, 320x240, 10 fps, H.264, no audio. */
  let silentId: string;

  before(async () => {
    // One sleep and one transcode at a time, so tests can hold a slot and keep an analysis PENDING.
    library = await openTestLibrary({ concurrency: '2,sleep=1,transcode=1' });
    server = await listen(library);
    worker = library.startWorkers();
    api = apiClient(server.url);
    const dir = library.env.dir;
    clipId = await api.upload(await readFile(await makeVideo(join(dir, 'clip.mp4'), { seconds: 3, audio: true })), 'clip.mp4');
    silentId = await api.upload(await readFile(await makeVideo(join(dir, 'silent.mp4'), { seconds: 2 })), 'silent.mp4');
  });
  after(async () => {
    await server.close();
    await library.dispose();
  });

  /** Starts a long sleep and waits until it runs, so it holds the only sleep slot. */
  async function holdSleepSlot(): Promise<string> {
    const id = await api.start({ analysis: 'sleep', time: 60 });
    await api.waitFor(id, (r) => r.state === 'STARTED');
    return id;
  }

  async function cancel(id: string): Promise<{ status: number; body: { analysis_id: string; state: string } & Partial<ApiError> }> {
    const response = await fetch(`${server.url}/api/analyses/${id}`, { method: 'DELETE' });
    return { status: response.status, body: (await response.json()) as { analysis_id: string; state: string } & Partial<ApiError> };
  }

  it('probe reports duration, fps, size, codec and audio', async () => {
    const info = await api.succeed<ProbeResult>({ analysis: 'probe', file_id: clipId });
    assert.ok(info.duration !== null && Math.abs(info.duration - 3) < 0.1, `duration ${info.duration}`);
    assert.equal(info.video?.codec, 'h264');
    assert.equal(info.video?.fps, 10);
    assert.equal(info.video?.width, 320);
    assert.equal(info.video?.height, 240);
    assert.equal(info.video?.pixel_format, 'yuv420p');
    assert.equal(info.audio?.codec, 'aac');

    const silent = await api.succeed<ProbeResult>({ analysis: 'probe', file_id: silentId });
    assert.equal(silent.audio, null);
    assert.ok(silent.duration !== null && Math.abs(silent.duration - 2) < 0.1);
  });

  it('transcodes to H.264 MP4 that downloads and plays (yuv420p, audio kept)', async () => {
    const result = await api.succeed<{ file_id: string; codec: string; duration: number; width: number; height: number }>({
      analysis: 'transcode', file_id: clipId, codec: 'h264', preset: 'ultrafast', crf: 30,
    });
    assert.equal(result.codec, 'h264');
    assert.deepEqual([result.width, result.height], [320, 240]);
    assert.ok(Math.abs(result.duration - 3) < 0.2, `duration ${result.duration}`);
    const download = await api.download(result.file_id);
    assert.equal(download.status, 200);
    assert.equal(download.contentType, 'video/mp4');
    const path = join(library.env.dir, 'h264.mp4');
    await writeFile(path, download.bytes);
    const streams = await ffprobeStreams(path);
    const video = streams.find((s) => s.codec_type === 'video');
    assert.equal(video?.codec_name, 'h264');
    assert.equal(video?.pix_fmt, 'yuv420p');
    assert.equal(streams.find((s) => s.codec_type === 'audio')?.codec_name, 'aac');
  });

  it('transcodes to H.265 (hvc1, yuv420p) and scales down to max_height', async () => {
    const result = await api.succeed<{ file_id: string; codec: string; width: number; height: number }>({
      analysis: 'transcode', file_id: clipId, codec: 'h265', preset: 'ultrafast', max_height: 120, audio: false,
    });
    assert.equal(result.codec, 'h265');
    const download = await api.download(result.file_id);
    assert.equal(download.status, 200);
    const path = join(library.env.dir, 'h265.mp4');
    await writeFile(path, download.bytes);
    const streams = await ffprobeStreams(path);
    assert.equal(streams.length, 1, 'audio: false drops the audio stream');
    assert.equal(streams[0]?.codec_name, 'hevc');
    assert.equal(streams[0]?.codec_tag_string, 'hvc1');
    assert.equal(streams[0]?.pix_fmt, 'yuv420p');
    assert.deepEqual([streams[0]?.width, streams[0]?.height], [160, 120]);
  });

  it('thumbnail is a JPEG of the requested width', async () => {
    const result = await api.succeed<{ file_id: string; t: number; width: number; height: number }>({ analysis: 'thumbnail', file_id: clipId, t: 1.5, width: 160 });
    assert.deepEqual({ t: result.t, width: result.width, height: result.height }, { t: 1.5, width: 160, height: 120 });
    const download = await api.download(result.file_id);
    assert.equal(download.status, 200);
    assert.equal(download.contentType, 'image/jpeg');
    assert.deepEqual([...download.bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    const path = join(library.env.dir, 'thumb.jpg');
    await writeFile(path, download.bytes);
    const [image] = await ffprobeStreams(path);
    assert.deepEqual([image?.width, image?.height], [160, 120]);
  });

  it('frames at a rate: one per 1/fps seconds of the clip, each downloadable', async () => {
    const result = await api.succeed<FramesResult>({ analysis: 'frames', file_id: clipId, fps: 2, width: 80 });
    // 3 s at 2 frames per second.
    assert.equal(result.count, 6);
    assert.deepEqual(result.frames.map((f) => f.time), [0, 0.5, 1, 1.5, 2, 2.5]);
    assert.equal(new Set(result.frames.map((f) => f.file_id)).size, 6, 'the test pattern moves, so every frame differs');
    for (const frame of result.frames) {
      const download = await api.download(frame.file_id);
      assert.equal(download.status, 200);
      assert.equal(download.contentType, 'image/jpeg');
      assert.deepEqual([...download.bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    }
  });

  it('frames by every_nth: 30 frames, every 5th, as PNG', async () => {
    const result = await api.succeed<FramesResult>({ analysis: 'frames', file_id: clipId, every_nth: 5, format: 'png' });
    assert.equal(result.count, 6);
    assert.deepEqual(result.frames.map((f) => f.index), [0, 1, 2, 3, 4, 5]);
    // Frame n·5 of a 10 fps clip is at n·0.5 s.
    assert.deepEqual(result.frames.map((f) => f.time), [0, 0.5, 1, 1.5, 2, 2.5]);
    for (const frame of result.frames) {
      const download = await api.download(frame.file_id);
      assert.equal(download.status, 200);
      assert.equal(download.contentType, 'image/png');
      assert.equal(download.bytes.subarray(1, 4).toString('latin1'), 'PNG');
    }
  });

  it('frames stops at max_frames', async () => {
    const result = await api.succeed<FramesResult>({ analysis: 'frames', file_id: clipId, fps: 10, max_frames: 4, width: 32 });
    assert.equal(result.count, 4);
  });

  it('sleep needs no file and returns what it slept', async () => {
    const result = await api.succeed<{ slept: number }>({ analysis: 'sleep', time: 0.2 });
    assert.deepEqual(result, { slept: 0.2 });
  });

  it('GET /api/analyses/:id/result answers 202 with state and progress until the result is ready', async () => {
    const id = await api.start({ analysis: 'sleep', time: 0.5 });
    const first = await fetch(`${server.url}/api/analyses/${id}/result`);
    assert.equal(first.status, 202);
    const body = (await first.json()) as { state: string; progress: number };
    assert.ok(body.state === 'PENDING' || body.state === 'STARTED');
    assert.equal(typeof body.progress, 'number');
    await api.waitFinished(id);
    const done = await fetch(`${server.url}/api/analyses/${id}/result`);
    assert.equal(done.status, 200);
    assert.deepEqual(await done.json(), { slept: 0.5 });
  });

  it('accepts the start request as urlencoded and as multipart form fields, with a file id prefix', async () => {
    const prefix = clipId.slice(0, 8);
    const urlencoded = await fetch(`${server.url}/api/analyses`, {
      method: 'POST',
      body: new URLSearchParams({ analysis: 'thumbnail', file_id: prefix, t: '0.5', width: '64' }),
    });
    assert.equal(urlencoded.status, 200);
    const { analysis_id: formId } = (await urlencoded.json()) as { analysis_id: string };

    const form = new FormData();
    form.append('analysis', 'transcode');
    form.append('file_id', prefix);
    form.append('preset', 'ultrafast');
    form.append('audio', 'false');
    form.append('max_height', '60');
    const multipart = await fetch(`${server.url}/api/analyses`, { method: 'POST', body: form });
    assert.equal(multipart.status, 200);
    const { analysis_id: multipartId } = (await multipart.json()) as { analysis_id: string };

    const thumb = await api.waitFinished(formId);
    assert.equal(thumb.state, 'SUCCESS', JSON.stringify(thumb.error));
    assert.equal(thumb.file_id, clipId, 'the prefix resolves to the full id');
    // Form values are text; they arrive as numbers in the stored parameters.
    assert.deepEqual(thumb.params, { t: 0.5, width: 64 });
    assert.equal((thumb.result as { width: number }).width, 64);

    const transcode = await api.waitFinished(multipartId);
    assert.equal(transcode.state, 'SUCCESS', JSON.stringify(transcode.error));
    assert.equal(transcode.file_id, clipId);
    assert.deepEqual(transcode.params, { codec: 'h264', crf: 23, preset: 'ultrafast', audio: false, max_height: 60 });
    assert.equal((transcode.result as { height: number }).height, 60);
  });

  it('accepts parameters nested in a JSON params object', async () => {
    const result = await api.succeed<{ width: number }>({ analysis: 'thumbnail', file_id: clipId, params: { t: 0, width: 48 } });
    assert.equal(result.width, 48);
  });

  it('GET /api/analyses lists analyses with their current state, filtered by state and file', async () => {
    const done = await api.start({ analysis: 'probe', file_id: silentId });
    await api.waitFinished(done);
    const running = await holdSleepSlot();
    try {
      const list = async (query = '') => {
        const response = await fetch(`${server.url}/api/analyses${query}`);
        assert.equal(response.status, 200);
        return ((await response.json()) as { analyses: AnalysisRecordBody[] }).analyses;
      };
      const all = await list();
      assert.equal(all[0]?.analysis_id, running, 'newest first');
      assert.equal(all[0]?.state, 'STARTED');
      const finished = all.find((a) => a.analysis_id === done);
      assert.equal(finished?.state, 'SUCCESS');
      assert.equal(finished?.progress, 1);
      assert.ok(finished?.finished_at);

      const started = await list('?state=STARTED');
      assert.deepEqual(started.map((a) => a.analysis_id), [running]);
      const ofFile = await list(`?file_id=${silentId}`);
      assert.ok(ofFile.length >= 1 && ofFile.every((a) => a.file_id === silentId));
      assert.ok(ofFile.some((a) => a.analysis_id === done));

      const page = await fetch(`${server.url}/api/analyses?limit=1`);
      const firstPage = (await page.json()) as { analyses: AnalysisRecordBody[]; next: string | null };
      assert.equal(firstPage.analyses.length, 1);
      assert.ok(firstPage.next);
      const second = await list(`?limit=1&after=${firstPage.next}`);
      assert.equal(second.length, 1);
      assert.notEqual(second[0]?.analysis_id, firstPage.analyses[0]?.analysis_id);
    } finally {
      await cancel(running);
    }
    // Once cancelled the list says so at once.
    const after = await fetch(`${server.url}/api/analyses?state=CANCELLED`);
    const cancelled = ((await after.json()) as { analyses: AnalysisRecordBody[] }).analyses;
    assert.ok(cancelled.some((a) => a.analysis_id === running));
  });

  it('progress rises while a sleep analysis runs', async () => {
    const id = await api.start({ analysis: 'sleep', time: 3 });
    const seen: number[] = [];
    const deadline = Date.now() + 20_000;
    for (;;) {
      const response = await fetch(`${server.url}/api/analyses/${id}/result`);
      if (response.status !== 202) {
        assert.equal(response.status, 200);
        break;
      }
      const { progress } = (await response.json()) as { progress: number };
      if (seen.at(-1) !== progress) seen.push(progress);
      assert.ok(Date.now() < deadline, 'sleep 3 s did not finish in 20 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const during = seen.filter((p) => p > 0 && p < 1);
    assert.ok(during.length >= 3, `expected several intermediate progress values, saw ${JSON.stringify(seen)}`);
    for (let i = 1; i < seen.length; i += 1) assert.ok(seen[i]! > seen[i - 1]!, `progress went back: ${JSON.stringify(seen)}`);
    assert.equal((await api.record(id)).progress, 1);
  });

  it('cancels a pending analysis: it never runs and answers 410', async () => {
    const running = await holdSleepSlot();
    const pending = await api.start({ analysis: 'sleep', time: 0.1 });
    assert.equal((await api.record(pending)).state, 'PENDING');
    const cancelled = await cancel(pending);
    assert.equal(cancelled.status, 200);
    assert.deepEqual(cancelled.body, { analysis_id: pending, state: 'CANCELLED' });
    assert.equal((await cancel(running)).status, 200);

    // With the slot free, the worker runs the next sleep, but not the cancelled one.
    assert.deepEqual(await api.succeed({ analysis: 'sleep', time: 0 }), { slept: 0 });
    const record = await api.record(pending);
    assert.equal(record.state, 'CANCELLED');
    assert.equal(record.started_at, null);
    assert.equal(record.attempts, 0);
    const poll = await fetch(`${server.url}/api/analyses/${pending}/result`);
    assert.equal(poll.status, 410);
    const body = (await poll.json()) as { state: string; error: { code: string; message: string } };
    assert.equal(body.state, 'CANCELLED');
    assert.equal(body.error.code, 'CAMTROVE_ERR_ANALYSIS_CANCELLED');
    assert.match(body.error.message, new RegExp(pending));
  });

  it('cancels a running sleep promptly', async () => {
    const running = await holdSleepSlot();
    const startedAt = Date.now();
    assert.equal((await cancel(running)).status, 200);
    const record = await api.waitFinished(running, 5000);
    assert.equal(record.state, 'CANCELLED');
    // The slot is free again well before the 60 s sleep would have ended.
    assert.deepEqual(await api.succeed({ analysis: 'sleep', time: 0 }, 5000), { slept: 0 });
    assert.ok(Date.now() - startedAt < 10_000);
  });

  it('cancels a running transcode: its ffmpeg stops and the worker runs the next transcode', async () => {
    // 60 s of 25 fps to H.265 "veryslow" takes far longer than this test waits.
    const longId = await api.upload(await readFile(await makeVideo(join(library.env.dir, 'long.mp4'), { seconds: 60, fps: 25 })), 'long.mp4');
    const id = await api.start({ analysis: 'transcode', file_id: longId, codec: 'h265', preset: 'veryslow', audio: false });
    await api.waitFor(id, (r) => r.state === 'STARTED');
    await eventually('the transcode ffmpeg is running', async () => (await ffmpegProcessesReading(longId)).length > 0);
    const queued = await api.start({ analysis: 'transcode', file_id: silentId, preset: 'ultrafast' });
    assert.equal((await api.record(queued)).state, 'PENDING', 'one transcode at a time');

    assert.equal((await cancel(id)).status, 200);
    const record = await api.waitFinished(id, 5000);
    assert.equal(record.state, 'CANCELLED');
    await eventually('the ffmpeg of the cancelled transcode is gone', async () => (await ffmpegProcessesReading(longId)).length === 0, 6000);

    const next = await api.waitFinished(queued, 20_000);
    assert.equal(next.state, 'SUCCESS', JSON.stringify(next.error));
    // The cancelled one stays cancelled: its result never lands.
    const poll = await fetch(`${server.url}/api/analyses/${id}/result`);
    assert.equal(poll.status, 410);
    await eventually('the worker is idle', () => worker.active === 0, 5000);
  });

  it('DELETE of a finished analysis answers 409 and leaves it as it was', async () => {
    const id = await api.start({ analysis: 'sleep', time: 0 });
    await api.waitFinished(id);
    const response = await cancel(id);
    assert.equal(response.status, 409);
    assert.equal(response.body.error?.code, 'CAMTROVE_ERR_ANALYSIS_FINISHED');
    assert.match(response.body.error?.message ?? '', /already finished \(SUCCESS\)/);
    assert.equal((await api.record(id)).state, 'SUCCESS');
  });

  it('a file read by a pending analysis cannot be deleted until the analysis is cancelled', async () => {
    const fileId = await api.upload(await readFile(await makeVideo(join(library.env.dir, 'in-use.mp4'), { seconds: 1, fps: 5 })), 'in-use.mp4');
    const running = await holdSleepSlot();
    // sleep takes an optional file; held back by the running sleep, this one stays PENDING.
    const pending = await api.start({ analysis: 'sleep', file_id: fileId, time: 0 });
    try {
      assert.equal((await api.record(pending)).state, 'PENDING');
      const refused = await fetch(`${server.url}/api/files/${fileId}`, { method: 'DELETE' });
      assert.equal(refused.status, 409);
      const error = ((await refused.json()) as ApiError).error;
      assert.equal(error.code, 'CAMTROVE_ERR_FILE_IN_USE');
      assert.match(error.message, new RegExp(`${fileId} is used by 1 pending or running analysis \\(${pending}\\); cancel`));
      const cascade = await fetch(`${server.url}/api/files/${fileId}?cascade=true`, { method: 'DELETE' });
      assert.equal(cascade.status, 409, 'a pending analysis refuses a cascade too');
      assert.equal((await api.download(fileId)).status, 200, 'the file is still there');
    } finally {
      await cancel(pending);
      await cancel(running);
    }
    // Cancelled, the analysis is history that names the file: it goes with the file when asked.
    const refused = await fetch(`${server.url}/api/files/${fileId}`, { method: 'DELETE' });
    assert.equal(refused.status, 409);
    assert.match(((await refused.json()) as ApiError).error.message, new RegExp(`1 finished analysis \\(${pending}\\).*cascade=true`));
    const deleted = await fetch(`${server.url}/api/files/${fileId}?cascade=true`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    assert.deepEqual(((await deleted.json()) as { cascaded: unknown }).cascaded, { events: 0, previews: 0, media: 0, frames: 0, analyses: 1, import_items: 0 });
    assert.equal((await api.download(fileId)).status, 404);
    assert.equal((await fetch(`${server.url}/api/analyses/${pending}`)).status, 404, 'the cancelled analysis went with it');
  });
});
