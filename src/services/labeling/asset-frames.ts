import type { Readable } from 'node:stream';
import type { AssetFrameRecord, AssetRecord, LabelAssetRepository } from '../../adapters/db/label-asset.repository.js';
import type { AssetMedia } from '../../adapters/media/asset-media.js';
import { CamtroveError } from '../../domain/errors.js';
import type { FileService } from '../file.service.js';
import type { FrameCache } from './frame-cache.js';

/** How far a decode reads on past the frame asked for: at most this many frames, and no more bytes of images than this. */
export interface ReadAhead {
  frames: number;
  bytes: number;
}

/**
 * 30 frames (a second or so of video: a labeler stepping forward pays one decode per 31 frames),
 * and a quarter of the default 64 MiB cache, so that one run of 1080p PNGs (3–6 MB each) does not
 * push out everything else.
 */
export const DEFAULT_READ_AHEAD: ReadAhead = { frames: 30, bytes: 16 * 1024 * 1024 };

/** What a request waiting on a run gets: its image, the run's failure (first frame only), or null when the run ended without it. */
type Outcome = { image: Buffer } | { error: unknown } | null;

interface Waiter {
  promise: Promise<Outcome>;
  settle: (outcome: Outcome) => void;
}

/**
 * Serves one frame of an asset as an image: a frame list's (or a split video's) own image as it is
 * stored, or the frame decoded from the video by seeking to the key frame before it, exactly that
 * frame. A frame not in the cache starts one decode that also reads ahead: the frames after it come
 * out of the same ffmpeg run and go into the cache, since a labeler steps forward through them. The
 * frame asked for is answered as soon as it is encoded; a request for a frame that a running decode
 * will bring waits for it rather than starting another ffmpeg.
 */
export class AssetFrames {
  /** Frames that a running decode will bring, by cache key. */
  private readonly pending = new Map<string, Waiter>();
  /** The decodes running, by asset: one whose asset is forgotten meanwhile caches nothing more. */
  private readonly running = new Set<{ assetId: string; forgotten: boolean }>();

  constructor(
    private readonly files: Pick<FileService, 'resolve' | 'open' | 'localCopy'>,
    private readonly media: Pick<AssetMedia, 'frameRun'>,
    private readonly cache: FrameCache,
    private readonly frameTable: Pick<LabelAssetRepository, 'frames'>,
    private readonly readAhead: ReadAhead = DEFAULT_READ_AHEAD,
  ) {}

  async image(asset: AssetRecord, frame: AssetFrameRecord, previousPts: number | null, format: 'jpeg' | 'png'): Promise<{ contentType: string; body: Buffer | Readable }> {
    if (frame.fileId) {
      const file = await this.files.resolve(frame.fileId);
      return { contentType: file.contentType, body: await this.files.open(file) };
    }
    if (!asset.fileId || frame.pts === null) throw new CamtroveError('CAMTROVE_ERR_ASSET_NOT_READY', `asset ${JSON.stringify(asset.externalId)} has no video to take frame ${frame.index} from`);
    const key = frameKey(asset, frame.index, format);
    for (;;) {
      const cached = this.cache.get(key);
      if (cached) return { contentType: `image/${format}`, body: cached };
      const outcome = await (this.pending.get(key) ?? this.startRun(asset, frame, previousPts, format)).promise;
      if (outcome && 'image' in outcome) return { contentType: `image/${format}`, body: outcome.image };
      if (outcome && 'error' in outcome) throw outcome.error;
      // The run this request waited on ended before this frame (its byte budget, a frame it could
      // not decode): look again, and start a run of its own if no other request has.
    }
  }

  forget(assetId: string): void {
    for (const run of this.running) if (run.assetId === assetId) run.forgotten = true;
    this.cache.forget(`${assetId}:`);
  }

  /**
   * Starts a decode from `frame` that reads ahead, and returns the waiter of `frame`. Which frames
   * it covers is settled at once (frame numbers are consecutive), before anything is awaited, so a
   * request arriving a moment later already finds its frame pending. It stops before a frame that
   * is cached or pending already, or the end of the asset.
   */
  private startRun(asset: AssetRecord, frame: AssetFrameRecord, previousPts: number | null, format: 'jpeg' | 'png'): Waiter {
    const last = Math.min(frame.index + this.readAhead.frames, (asset.frameCount ?? frame.index + 1) - 1);
    const waiters: Waiter[] = [];
    for (let index = frame.index; index <= last; index += 1) {
      const key = frameKey(asset, index, format);
      if (index > frame.index && (this.pending.has(key) || this.cache.has(key))) break;
      const waiter = newWaiter();
      this.pending.set(key, waiter);
      waiters.push(waiter);
    }
    const state = { assetId: asset.id, forgotten: false };
    this.running.add(state);
    void this.run(asset, frame, previousPts, format, waiters, state).finally(() => {
      this.running.delete(state);
      waiters.forEach((waiter, i) => {
        waiter.settle(null);
        const key = frameKey(asset, frame.index + i, format);
        if (this.pending.get(key) === waiter) this.pending.delete(key);
      });
    });
    return waiters[0]!;
  }

  /** The decode itself: every image goes into the cache and to its waiters; a failure goes to the first frame's. */
  private async run(asset: AssetRecord, frame: AssetFrameRecord, previousPts: number | null, format: 'jpeg' | 'png', waiters: Waiter[], state: { forgotten: boolean }): Promise<void> {
    try {
      const following = waiters.length > 1 ? await this.frameTable.frames(asset.id, { skip: frame.index + 1, first: waiters.length - 1 }) : [];
      const pts = [frame.pts!];
      // Only the frames decoded from the video, in order of time; a run stops where that ends.
      for (const [i, next] of following.entries()) {
        if (next.index !== frame.index + 1 + i || next.fileId || next.pts === null || next.pts <= pts[pts.length - 1]!) break;
        pts.push(next.pts);
      }
      const copy = await this.files.localCopy(asset.fileId!);
      try {
        let bytes = 0;
        const run = { keyPts: frame.keyPts ?? frame.pts!, previousPts: previousPts !== null && previousPts < frame.pts! ? previousPts : null, pts };
        await this.media.frameRun(copy.path, run, format, (i, image) => {
          if (!state.forgotten) this.cache.set(frameKey(asset, frame.index + i, format), image);
          waiters[i]!.settle({ image });
          bytes += image.length;
          return bytes < this.readAhead.bytes;
        });
      } finally {
        await copy.release();
      }
    } catch (error) {
      waiters[0]!.settle({ error });
    }
  }
}

/** One image of one frame of one version of an asset: a prepared-again asset has a new updatedAt, so old images are never served. */
function frameKey(asset: AssetRecord, index: number, format: 'jpeg' | 'png'): string {
  return `${asset.id}:${asset.updatedAt}:${index}:${format}`;
}

function newWaiter(): Waiter {
  let settle!: (outcome: Outcome) => void;
  let settled = false;
  const promise = new Promise<Outcome>((resolve) => {
    settle = (outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
  });
  return { promise, settle };
}
