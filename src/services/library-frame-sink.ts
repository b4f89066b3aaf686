import type { Clock } from '../adapters/clock.js';
import type { FrameRecord, FrameRepository } from '../adapters/db/frame.repository.js';
import { archiveFileName } from '../domain/cameras/archive-name.js';
import { newFrameId } from '../domain/ids.js';
import type { FileService } from './file.service.js';
import type { FrameSink, KeptFrame } from './archiver.js';

/** Rows written in one transaction at most; a batch also goes after BATCH_WAIT_MS. */
const MAX_BATCH = 256;
const BATCH_WAIT_MS = 25;

interface Pending {
  row: FrameRecord & { fileName: string };
  /** Kept until the row commits, to store again should a deletion take the blob meanwhile. */
  bytes: Buffer;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Keeps frames in the library: the original bytes as a blob (durable before anything points at
 * it), then the frame record and its file row, under the blobs' locks, after checking that each
 * blob is still there (a deletion of the same bytes may have come between). Records are written in batches, one transaction for
 * up to MAX_BATCH frames or BATCH_WAIT_MS: a thousand cameras a second cost a few dozen commits,
 * not thousands. save() resolves once the frame's record is committed.
 */
export class LibraryFrameSink implements FrameSink {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly files: FileService,
    private readonly frames: FrameRepository,
    private readonly clock: Clock,
  ) {}

  async save(frame: KeptFrame): Promise<void> {
    const blob = await this.files.storeBytes(frame.bytes, frame.sha256);
    const row = {
      id: newFrameId(frame.capturedAtMicros / 1000),
      cameraId: frame.cameraId,
      capturedAtMicros: frame.capturedAtMicros,
      fileId: blob.id,
      fileName: archiveFileName(frame.cameraId, frame.capturedAtMicros, frame.contentType),
      size: frame.bytes.length,
      width: frame.width,
      height: frame.height,
      changeScore: frame.changeScore,
      contentType: frame.contentType,
      createdAt: this.clock.now(),
    };
    await new Promise<void>((resolve, reject) => {
      this.pending.push({ row, bytes: frame.bytes, resolve, reject });
      if (this.pending.length >= MAX_BATCH) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), BATCH_WAIT_MS);
    });
  }

  /** Writes what is pending, after the batch before it (one writer at a time). */
  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.writing = this.writing.then(async () => {
      try {
        await this.frames.insertWithFiles(
          batch.map((p) => p.row),
          () => this.files.restoreBytes(batch.map((p) => ({ id: p.row.fileId, bytes: p.bytes }))),
        );
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    });
  }
}
