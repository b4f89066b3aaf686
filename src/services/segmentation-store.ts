import type { Clock } from '../adapters/clock.js';
import type { EventRecord, EventRepository } from '../adapters/db/event.repository.js';
import type { MediaRecord, MediaRepository } from '../adapters/db/media.repository.js';
import { CamtroveError } from '../domain/errors.js';
import { newEventId } from '../domain/ids.js';
import type { FileService } from './file.service.js';
import type { Segmentation } from './segmenter.js';

export interface SaveSegmentationInput {
  /** The segmented file, already in the library. */
  fileId: string;
  analysisId: string | null;
  cameraId?: string | null;
  /** Epoch ms of the media's first frame; by default the container's creation time, if any. */
  capturedAt?: number | null;
  segmentation: Segmentation;
}

/**
 * Keeps a segmentation in the library: the media record, its thumbnails and clips as files, and
 * its events, which replace those of any earlier segmentation of the same media.
 */
export class SegmentationStore {
  constructor(
    private readonly files: FileService,
    private readonly media: MediaRepository,
    private readonly events: EventRepository,
    private readonly clock: Clock,
  ) {}

  async save(input: SaveSegmentationInput): Promise<{ media: MediaRecord; events: EventRecord[] }> {
    const { segmentation } = input;
    const now = this.clock.now();
    const creation = segmentation.info.creationTime ? Date.parse(segmentation.info.creationTime) : NaN;
    const capturedAt = input.capturedAt !== undefined ? input.capturedAt : Number.isFinite(creation) ? creation : undefined;
    const media = await this.media.upsert({ id: input.fileId, cameraId: input.cameraId, capturedAt, info: segmentation.info, now });
    // A thumbnail or clip deleted between its storing and the events' commit (the same bytes as a
    // file someone deletes) is stored again; the events never point at a file that is gone.
    for (let attempt = 1; ; attempt += 1) {
      const records = await this.records(input, media, now);
      const missing = await this.events.replaceForMedia(media.id, records, true);
      if (missing.length === 0) return { media, events: records };
      if (missing.includes(media.id)) throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `file ${media.id} was deleted while it was segmented; its events were not saved`);
      if (attempt >= 3) throw new Error(`the thumbnails or clips ${missing.join(', ')} kept being deleted while the events were saved`);
    }
  }

  private async records(input: SaveSegmentationInput, media: MediaRecord, now: number): Promise<EventRecord[]> {
    const records: EventRecord[] = [];
    for (const [index, event] of input.segmentation.events.entries()) {
      const store = async (path: string | null, kind: 'thumbnail' | 'clip') => {
        if (!path) return null;
        const name = `${input.fileId.slice(0, 12)}-event-${index + 1}.${kind === 'thumbnail' ? 'jpg' : 'mp4'}`;
        return (await this.files.addFromPath(path, { name, contentType: kind === 'thumbnail' ? 'image/jpeg' : 'video/mp4' })).file.id;
      };
      records.push({
        id: newEventId(),
        mediaId: media.id,
        analysisId: input.analysisId,
        cameraId: media.cameraId,
        motion: event.motion,
        colors: event.colors,
        startedAt: media.capturedAt === null ? null : media.capturedAt + Math.round(event.motion.start * 1000),
        endedAt: media.capturedAt === null ? null : media.capturedAt + Math.round(event.motion.end * 1000),
        thumbnailFileId: await store(event.thumbnailPath, 'thumbnail'),
        clipFileId: await store(event.clipPath, 'clip'),
        createdAt: now,
      });
    }
    return records;
  }
}
