import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FfmpegAssetMedia } from '../src/adapters/media/asset-media.js';
import { SystemMediaTools } from '../src/adapters/media/ffmpeg.js';
import type { AssetFrameRecord, AssetRecord } from '../src/adapters/db/label-asset.repository.js';
import { AssetFrames, DEFAULT_READ_AHEAD } from '../src/services/labeling/asset-frames.js';
import { FrameCache } from '../src/services/labeling/frame-cache.js';
import { request } from 'undici';
import { Camtrove, type AppendAnswer } from '../src/sdk/index.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { fmt, median, percentile, ratio, runCommand, timed, type Benchmark, type SummaryRow } from './lib/bench.js';
import { makeTempDir } from './lib/files.js';
import { untilPrepared } from './lib/prepared.js';
import { startServer } from './lib/server.js';
import { tenMinuteVideo } from './lib/ten-minute-video.js';

const FRAMES = 30;
/** Frames stepped forward after each random frame (read ahead), and (fewer: a decode each) without reading ahead. */
const STEPS = 5;
const STEPS_WITHOUT = 2;
const STARTS_WITHOUT = 8;
/** Seconds of the video added to a server twice, as a video and split into frames. */
const SERVED_SECONDS = 60;
const INTERFACE = { jobs: { VEHICLE: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], content: { categories: { CAR: { name: 'Car' } }, input: 'radio' } } } };

/**
 * The frame index of a 10-minute 1080p H.264 video (from packets, and by a full decode for
 * comparison), then frame k as a JPEG for 30 random k: through FfmpegAssetMedia.frameImage (seek to
 * the key frame, decode forward to the PTS), through AssetFrames as the server serves it (a miss
 * that reads the next 30 frames ahead in the same decode; time to frame k's image), and by `ffmpeg
 * -ss <t> -i video -frames:v 1 out.jpg`, run alternately; then a labeler stepping forward: frames
 * k+1 ... k+5 asked one after the other as each arrives, with read-ahead and, for 8 of the k, without
 * (every frame its own decode, as before read-ahead).
 */
export const frameAccessBenchmark: Benchmark = {
  name: 'frame-access',
  description: 'frame index and random frame k of a 10-minute 1080p H.264 video vs ffmpeg -ss',
  needsBuild: true,
  async run({ rounds, log }) {
    const video = await tenMinuteVideo(log);
    const media = new FfmpegAssetMedia(new SystemMediaTools({ ffmpeg: '', ffprobe: '' }));
    const dir = await makeTempDir('frame-access');
    try {
      const indexMs: number[] = [];
      let index = await media.indexVideo(video);
      for (let round = 1; round <= rounds; round += 1) {
        const timing = await timed(() => media.indexVideo(video));
        index = timing.value;
        indexMs.push(timing.ms);
        log(`round ${round}: indexVideo ${fmt(timing.ms)} ms (${media.lastIndexMethod?.method}), ${index.frames.length} frames`);
      }
      const keyFrames = index.frames.filter((f) => f.key).length;
      log(`${index.frames.length} frames, ${keyFrames} key frames, ${index.width}x${index.height} ${index.codec}, start ${index.startTime} s`);
      // The decode a packet index saves: the same frames by decoding every one (once, it is slow).
      const decodeMs = (await timed(() => runCommand('ffprobe', ['-v', 'error', '-threads', '0', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time,key_frame', '-of', 'json', video]))).ms;
      log(`full decode index (ffprobe -show_frames): ${fmt(decodeMs / 1000, 1)} s`);

      const random = seededRandom(17);
      const ks = Array.from({ length: FRAMES }, () => Math.floor(random() * (index.frames.length - DEFAULT_READ_AHEAD.frames - 1)));
      const keyOf = (k: number) => {
        let key = k;
        while (key > 0 && !index.frames[key]!.key) key -= 1;
        return key;
      };
      // The asset as the server holds it: its frame table, and the video as its local copy.
      const records: AssetFrameRecord[] = index.frames.map((f, k) => ({ index: k, pts: f.pts, sourceIndex: null, keyPts: index.frames[keyOf(k)]!.pts, width: index.width, height: index.height, fileId: null }));
      const asset = { id: 'bench', externalId: 'bench', fileId: 'video', frameCount: records.length, updatedAt: 1 } as AssetRecord;
      const serving = (readAhead = DEFAULT_READ_AHEAD) => {
        const frames = new AssetFrames(
          { localCopy: async () => ({ path: video, release: async () => undefined }) } as never,
          media,
          new FrameCache(64 * 1024 * 1024),
          { frames: async (_id, page) => records.slice(page.skip, page.skip + page.first) },
          readAhead,
        );
        return (k: number) => frames.image(asset, records[k]!, k > 0 ? records[k - 1]!.pts : null, 'jpeg');
      };
      const ours: number[] = [];
      const theirs: number[] = [];
      const served: number[] = [];
      const next: number[] = [];
      const nextWithout: number[] = [];
      for (const [n, k] of ks.entries()) {
        const key = keyOf(k);
        const frame = { pts: index.frames[k]!.pts, previousPts: k > 0 ? index.frames[k - 1]!.pts : null, keyPts: index.frames[key]!.pts };
        const out = join(dir.path, `k${k}.jpg`);
        const baseline = await timed(() => runCommand('ffmpeg', ['-v', 'error', '-y', '-ss', (frame.pts - index.startTime).toFixed(6), '-i', video, '-frames:v', '1', out]));
        const mine = await timed(() => media.frameImage(video, frame, 'jpeg'));
        theirs.push(baseline.ms);
        ours.push(mine.ms);
        await rm(out, { force: true });
        const image = serving();
        const first = await timed(() => image(k));
        served.push(first.ms);
        const steps: number[] = [];
        for (let step = 1; step <= STEPS; step += 1) steps.push((await timed(() => image(k + step))).ms);
        next.push(...steps);
        // The rest of the run, so that it does not slow the next measurement down.
        await image(k + DEFAULT_READ_AHEAD.frames);
        let without = '';
        if (n < STARTS_WITHOUT) {
          const single = serving({ frames: 0, bytes: 0 });
          await single(k);
          const alone: number[] = [];
          for (let step = 1; step <= STEPS_WITHOUT; step += 1) alone.push((await timed(() => single(k + step))).ms);
          nextWithout.push(...alone);
          without = `; without read-ahead ${alone.map((ms) => fmt(ms)).join(', ')} ms`;
        }
        log(`k=${k} (${k - key} frames after its key frame): frameImage ${fmt(mine.ms)} ms, ffmpeg -ss ${fmt(baseline.ms)} ms, served with read-ahead ${fmt(first.ms)} ms, next ${STEPS} frames ${steps.map((ms) => fmt(ms)).join(', ')} ms${without}`);
      }
      const sortedOurs = [...ours].sort((a, b) => a - b);
      const sortedTheirs = [...theirs].sort((a, b) => a - b);
      const [p50, p99, base50, base99] = [percentile(sortedOurs, 50), percentile(sortedOurs, 99), percentile(sortedTheirs, 50), percentile(sortedTheirs, 99)];
      const row = (metric: string, value: string, baseline: string, r: string, goal = '', met: boolean | null = null): SummaryRow => ({ benchmark: 'frame-access', metric, value, baseline, ratio: r, goal, met });
      const indexMedian = median(indexMs);
      const sortedServed = [...served].sort((a, b) => a - b);
      const [next50, without50] = [median(next), median(nextWithout)];
      return [
        row('indexVideo, 15,000 frames (ms)', fmt(indexMedian), `full decode ${fmt(decodeMs)}`, ratio(indexMedian, decodeMs)),
        row(`frame k as JPEG, p50 of ${FRAMES} (ms)`, fmt(p50), `ffmpeg -ss ${fmt(base50)}`, ratio(p50, base50)),
        row(`frame k as JPEG, p99 of ${FRAMES} (ms)`, fmt(p99), `ffmpeg -ss ${fmt(base99)}`, ratio(p99, base99)),
        row(`served frame k (miss, reads ahead), p50 of ${FRAMES} (ms)`, fmt(percentile(sortedServed, 50)), `ffmpeg -ss ${fmt(base50)}`, ratio(percentile(sortedServed, 50), base50), 'no slower than ffmpeg -ss', percentile(sortedServed, 50) <= base50),
        row(`next frame stepping forward, p50 of ${next.length} (ms)`, fmt(next50), `no read-ahead ${fmt(without50)} (${nextWithout.length})`, ratio(next50, without50), '< 150 ms', next50 < 150),
        ...(await servedOverHttp(video, dir.path, log)),
      ];
    } finally {
      await dir.remove();
    }
  },
};

/**
 * The first minute of the video added to `camtrove serve` twice, as a video (frames decoded on
 * request) and split into frames at preparation (`shouldUseNativeVideo: false`: each frame's JPEG
 * stored), then the same 30 random frames of each asked for over HTTP, one after the other.
 */
async function servedOverHttp(video: string, dir: string, log: (message: string) => void): Promise<SummaryRow[]> {
  const clip = join(dir, 'first-minute.mp4');
  await runCommand('ffmpeg', ['-v', 'error', '-y', '-i', video, '-t', String(SERVED_SECONDS), '-c', 'copy', clip]);
  const server = await startServer({ dataDir: join(dir, 'served-data'), logFile: join(dir, 'served.log') });
  try {
    const sdk = new Camtrove({ apiEndpoint: server.url });
    const { id: projectId } = await sdk.createProject({ title: 'bench frames', inputType: 'VIDEO', jsonInterface: INTERFACE });
    const add = async (externalId: string, shouldUseNativeVideo: boolean) => {
      const started = performance.now();
      const answer = await sdk.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: [externalId], jsonMetadataArray: [{ processingParameters: { shouldUseNativeVideo } }], waitUntilAvailability: false });
      await untilPrepared(sdk, server.url, projectId, (answer as Partial<AppendAnswer>).batchId ?? null);
      const [asset] = await sdk.assets({ projectId, externalIdStrictlyIn: [externalId], fields: ['id', 'numberOfFrames'] });
      if (!asset?.numberOfFrames) throw new Error(`the ${externalId} asset was not prepared`);
      log(`${externalId}: ${asset.numberOfFrames} frames, added and prepared in ${fmt((performance.now() - started) / 1000, 1)} s`);
      return { id: asset.id, frames: asset.numberOfFrames };
    };
    const native = await add('video', true);
    const split = await add('split-frames', false);
    const random = seededRandom(29);
    const ks = Array.from({ length: FRAMES }, () => Math.floor(random() * native.frames));
    const fetchFrame = async (assetId: string, k: number): Promise<number> => {
      const started = performance.now();
      const res = await request(`${server.url}/api/assets/${assetId}/frames/${k}`);
      const bytes = (await res.body.arrayBuffer()).byteLength;
      if (res.statusCode !== 200 || bytes === 0) throw new Error(`frame ${k} of asset ${assetId}: HTTP ${res.statusCode}`);
      return performance.now() - started;
    };
    const videoMs: number[] = [];
    const splitMs: number[] = [];
    for (const k of ks) {
      videoMs.push(await fetchFrame(native.id, k));
      splitMs.push(await fetchFrame(split.id, k));
    }
    log(`served over HTTP, video: ${videoMs.map((ms) => fmt(ms, 0)).join(', ')} ms`);
    log(`served over HTTP, split frames: ${splitMs.map((ms) => fmt(ms, 0)).join(', ')} ms`);
    const sortedVideo = [...videoMs].sort((a, b) => a - b);
    const sortedSplit = [...splitMs].sort((a, b) => a - b);
    const row = (metric: string, sorted: number[], goal: boolean): SummaryRow => ({
      benchmark: 'frame-access', metric, value: `${fmt(percentile(sorted, 50))} / ${fmt(percentile(sorted, 99))}`, baseline: '', ratio: '', goal: goal ? '< 150 ms' : '', met: goal ? percentile(sorted, 50) < 150 : null,
    });
    return [
      row(`GET frame k over HTTP, the video, p50 / p99 of ${FRAMES} (ms)`, sortedVideo, false),
      row(`GET frame k over HTTP, split into frames, p50 / p99 of ${FRAMES} (ms)`, sortedSplit, true),
    ];
  } finally {
    await server.stop();
  }
}
