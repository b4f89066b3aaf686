import type { StagedBlob } from '../../adapters/blob/blob-store.js';
import type { ImportOutcome } from '../../adapters/db/import.repository.js';
import type { TimeSource } from '../../domain/import/capture-time.js';

/** One file, hashed, ready to go where the import puts files. */
export interface ImportVideo {
  jobId: string;
  seq: number;
  shard: number;
  /** To read the file (bytes when its name is not UTF-8). */
  path: string | Buffer;
  /** The path for people and records. */
  displayPath: string;
  cameraName: string;
  cameraId: string;
  /** From the file name, when it has one (epoch ms, UTC). */
  timeFromName: number | null;
  mtimeMs: number;
  latitude: number | null;
  longitude: number | null;
  sha256: string;
  size: number;
  /** The content, when the file was small enough to read whole (store these bytes, not the file). */
  bytes: Buffer | null;
  /** A copy of a large file the target began while it was hashed (see `stage`), to commit or leave. */
  staged: StagedBlob | null;
  /** Another file of this run brought the same bytes (and they are stored by now). */
  duplicate: boolean;
  /**
   * Throws when the file changed since it was hashed: call it after the bytes are copied, so what
   * was stored is known to be what was hashed.
   */
  unchanged(): Promise<void>;
}

/** A file whose bytes are in the library already, as recorded there. */
export type StoredVideo = Pick<ImportVideo, 'jobId' | 'seq' | 'displayPath' | 'cameraId' | 'timeFromName' | 'mtimeMs' | 'latitude' | 'longitude' | 'sha256' | 'size' | 'duplicate'>;

/** What became of a posted file. */
export interface PostedVideo {
  outcome: ImportOutcome;
  capturedAt: number;
  timeSource: TimeSource;
  /** The segmentation that covers the file, when the job segments. */
  analysisId: string | null;
}

/**
 * Where imported files go: cameras are registered once per run, then each file is posted. The
 * library (the default) stores and records them; other targets (a remote server, a user's hook
 * module) implement the same two calls.
 */
export interface ImportTarget {
  registerCamera(name: string): Promise<{ cameraId: string }>;
  postVideoContent(video: ImportVideo): Promise<PostedVideo>;
  /**
   * For targets that copy files: begins copying a large file before it is hashed, so copying and
   * hashing overlap. The importer discards the copy if it is not committed.
   */
  stage?(path: string | Buffer): StagedBlob | null;
  /** For targets that segment: queues segmentation of a file stored earlier whose segmentation is missing or failed. */
  segment?(jobId: string, seq: number, fileId: string): Promise<string>;
}
