import type { Clock } from '../adapters/clock.js';
import type { FrameRepository } from '../adapters/db/frame.repository.js';
import type { Camera } from '../domain/cameras/camera.js';
import type { FileService } from './file.service.js';

const DAY_MS = 86_400_000;
/** Frames deleted per query: a camera with a year of frames is trimmed in bounded steps. */
const BATCH = 1000;

/**
 * Applies each camera's retention to its archived frames: frames older than `retentionDays`, and
 * the oldest beyond `retentionBytes`, are deleted; their files go too when nothing else (another
 * frame with the same bytes, a media item, an event, an analysis) refers to them. A file's row
 * goes in the transaction that deletes its frames, together with a durable record of its blob's
 * deletion; the blob is unlinked right after, or, after a crash, by the next start or sweep.
 */
export class FrameRetention {
  constructor(
    private readonly frames: FrameRepository,
    private readonly files: FileService,
    private readonly clock: Clock,
  ) {}

  async sweep(cameras: readonly Camera[]): Promise<{ frames: number; blobs: number }> {
    // Whatever an earlier sweep (of any process) recorded and did not finish.
    let blobs = await this.files.finishBlobDeletions();
    let frames = 0;
    for (const camera of cameras) {
      if (camera.retentionDays === null && camera.retentionBytes === null) continue;
      const keep = { beforeMicros: camera.retentionDays === null ? null : (this.clock.now() - camera.retentionDays * DAY_MS) * 1000, maxBytes: camera.retentionBytes };
      for (;;) {
        const { deleted, fileIds } = await this.frames.expire(camera.id, keep, BATCH, this.clock.now());
        frames += deleted;
        blobs += await this.files.finishBlobDeletions(fileIds);
        if (deleted < BATCH) break;
      }
    }
    return { frames, blobs };
  }
}
