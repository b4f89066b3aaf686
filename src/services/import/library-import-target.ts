import type { BlobStore, StagedBlob } from '../../adapters/blob/blob-store.js';
import type { Clock } from '../../adapters/clock.js';
import type { ImportRepository } from '../../adapters/db/import.repository.js';
import type { MediaRepository } from '../../adapters/db/media.repository.js';
import type { MediaTools } from '../../adapters/media/ffmpeg.js';
import { chooseCaptureTime } from '../../domain/import/capture-time.js';
import { importCameraId } from '../../domain/import/import-request.js';
import { CamtroveError } from '../../domain/errors.js';
import { safeFileName } from '../../domain/file-name.js';
import type { VideoInfo } from '../../domain/video-info.js';
import type { AnalysisService } from '../analysis.service.js';
import type { FileService } from '../file.service.js';
import type { CameraService } from '../camera.service.js';
import type { ImportTarget, ImportVideo, PostedVideo, StoredVideo } from './import-target.js';
import mime from 'mime-types';

export interface LibraryImportTargetDeps {
  blobs: BlobStore;
  imports: ImportRepository;
  media: MediaRepository;
  cameras: CameraService;
  analyses: AnalysisService;
  tools: Pick<MediaTools, 'probe'>;
  /** An in-process probe for common containers; null sends the file to ffprobe. */
  quickProbe: (input: { path: string } | { bytes: Buffer }) => Promise<VideoInfo | null>;
  clock: Clock;
  segment: boolean;
  /** Refer to files where they are instead of copying them. */
  link: boolean;
  /** Unlinks bytes no file row uses, under their lock (a failed import's new bytes). */
  fileService: Pick<FileService, 'dropIfUnlisted'>;
}

/**
 * The default import target, the local library: the bytes go into the blob store (copied, unless
 * they are there already), the media gets its camera, time, place and probe facts, the item is
 * recorded in the same transaction, and segmentation is queued.
 */
export class LibraryImportTarget implements ImportTarget {
  constructor(private readonly deps: LibraryImportTargetDeps) {}

  async registerCamera(name: string): Promise<{ cameraId: string }> {
    const id = importCameraId(name);
    const existing = await this.deps.cameras.find(id);
    if (existing) return { cameraId: existing.id };
    try {
      await this.deps.cameras.add({ id, type: 'import', name });
    } catch (error) {
      // Another process registered it at the same moment.
      if (!(await this.deps.cameras.find(id))) throw error;
    }
    return { cameraId: id };
  }

  async postVideoContent(video: ImportVideo): Promise<PostedVideo> {
    const blob = await this.store(video);
    try {
      await video.unchanged();
    } catch (error) {
      // Bytes nobody refers to: a changed file's (unless a row came to use them meanwhile).
      if (blob.created) await this.deps.fileService.dropIfUnlisted([video.sha256]);
      throw error;
    }
    // Should a deletion of the same bytes take them before the row is written, they are stored again.
    return this.record(video, blob.created, video.bytes, () => this.store({ ...video, staged: null }));
  }

  /**
   * Records a file whose bytes are in the blob store: its media (probed unless the library knows
   * it), capture time, item and segmentation. `bytes` are its content when they are in memory.
   * Bytes that were new and turn out not to be a video, or could not be recorded, are deleted again.
   * `restore` stores the bytes again, should they have been deleted since they were stored; without
   * it (bytes sent by a client), that fails the file.
   */
  async record(video: StoredVideo, bytesWereNew: boolean, bytes: Buffer | null = null, restore?: () => Promise<unknown>): Promise<PostedVideo> {
    try {
      return await this.recordStored(video, bytesWereNew, bytes, restore);
    } catch (error) {
      if (bytesWereNew) await this.deps.fileService.dropIfUnlisted([video.sha256]).catch(() => undefined);
      throw error;
    }
  }

  private async recordStored(video: StoredVideo, bytesWereNew: boolean, bytes: Buffer | null, restore?: () => Promise<unknown>): Promise<PostedVideo> {
    // New bytes have no media yet; known ones usually have, probed already.
    const info = (bytesWereNew ? null : (await this.deps.media.get(video.sha256))?.info) ?? (await this.probe(video.sha256, bytes));
    const { capturedAt, source } = chooseCaptureTime(video.timeFromName, info.creationTime, video.mtimeMs);
    const name = safeFileName(video.displayPath.split('/').pop() ?? '') || video.sha256.slice(0, 12);
    const now = this.deps.clock.now();
    const outcome = await this.deps.imports.recordStored({
      jobId: video.jobId,
      seq: video.seq,
      file: { id: video.sha256, size: video.size, name, contentType: mime.lookup(name) || 'application/octet-stream', createdAt: now },
      cameraId: video.cameraId,
      capturedAt,
      timeSource: source,
      latitude: video.latitude,
      longitude: video.longitude,
      info,
      duplicate: video.duplicate,
      bytesWereNew,
      now,
    }, async () => {
      if ((await this.deps.blobs.size(video.sha256)) !== null) return;
      if (!restore) throw new CamtroveError('CAMTROVE_ERR_FILE_NOT_FOUND', `the bytes with SHA-256 ${video.sha256} were deleted from the library before the file was recorded; send them again`);
      await restore();
    });
    const analysisId = this.deps.segment ? await this.segment(video.jobId, video.seq, video.sha256) : null;
    return { outcome, capturedAt, timeSource: source, analysisId };
  }

  /** Queues the file's segmentation unless one is pending, running or done, and links it to the item. */
  async segment(jobId: string, seq: number, fileId: string): Promise<string> {
    const analysisId = await this.deps.analyses.ensureStarted('segment', fileId);
    await this.deps.imports.linkAnalysis(jobId, seq, analysisId, this.deps.clock.now());
    return analysisId;
  }

  stage(path: string | Buffer): StagedBlob | null {
    return this.links(path) ? null : this.deps.blobs.stageFile(path);
  }

  /** Links the file, or writes the bytes already read, or commits the copy begun while it was hashed, or copies it now. */
  private store(video: ImportVideo) {
    const { blobs } = this.deps;
    if (this.links(video.path)) return blobs.linkFile(video.path as string, video.sha256);
    if (video.bytes) return blobs.putBytes(video.bytes, video.sha256);
    return video.staged ? video.staged.commit(video.sha256, video.size) : blobs.putFile(video.path, video.sha256, video.size);
  }

  /** Whether a file is linked rather than copied: with --link, unless its name is not UTF-8 (no link target could be recorded). */
  private links(path: string | Buffer): boolean {
    return this.deps.link && typeof path === 'string';
  }

  /** Probes in process when the container allows (from the bytes in memory, if any), else with ffprobe on the stored blob. */
  private async probe(sha256: string, bytes: Buffer | null): Promise<VideoInfo> {
    const quick = bytes ? await this.deps.quickProbe({ bytes }) : null;
    if (quick) return quick;
    const copy = await this.deps.blobs.localCopy(sha256);
    try {
      return (bytes ? null : await this.deps.quickProbe({ path: copy.path })) ?? (await this.deps.tools.probe(copy.path));
    } catch (error) {
      if (error instanceof CamtroveError) throw error;
      throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', `not a readable video: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await copy.release();
    }
  }
}
