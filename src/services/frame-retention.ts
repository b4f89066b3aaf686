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
 * frame with the same bytes, a media item, an analysis) refers to them. A file's row goes in one
 * sweep and its blob in the next (see FileService.unlist), so run sweeps a minute or more apart.
 */
export class FrameRetention {
  private unlisted = new Set<string>();

  constructor(
    private readonly frames: FrameRepository,
    private readonly files: FileService,
    private readonly clock: Clock,
  ) {}

  async sweep(cameras: readonly Camera[]): Promise<{ frames: number; blobs: number }> {
    let blobs = 0;
    const due = this.unlisted;
    this.unlisted = new Set();
    for (const fileId of due) if (await this.files.dropBlobIfUnlisted(fileId)) blobs += 1;
    let frames = 0;
    for (const camera of cameras) {
      if (camera.retentionDays === null && camera.retentionBytes === null) continue;
      const keep = { beforeMicros: camera.retentionDays === null ? null : (this.clock.now() - camera.retentionDays * DAY_MS) * 1000, maxBytes: camera.retentionBytes };
      for (;;) {
        const { deleted, fileIds } = await this.frames.expire(camera.id, keep, BATCH);
        frames += deleted;
        for (const fileId of await this.frames.unreferencedFiles(fileIds)) {
          await this.files.unlist(fileId);
          this.unlisted.add(fileId);
        }
        if (deleted < BATCH) break;
      }
    }
    return { frames, blobs };
  }
}
