import type { Readable } from 'node:stream';
import type { FileRecord } from '../../adapters/db/file.repository.js';
import type { AssetSourceKind } from '../../adapters/db/label-asset.repository.js';
import { CamtroveError, isCamtroveError } from '../../domain/errors.js';
import { VIDEO_EXTENSIONS, type AssetSource, type PlannedAsset } from '../../domain/labeling/asset-request.js';
import type { VideoInfo } from '../../domain/video-info.js';
import type { EventView } from '../event.service.js';
import type { AddFileOptions, FileService } from '../file.service.js';

/** Where an asset's pictures are, once its content is in the library. */
export interface ResolvedSource {
  sourceKind: AssetSourceKind;
  fileId: string | null;
  eventId: string | null;
  /** Seconds from the start of the video (an event's span in its media); null for all of it. */
  range: { start: number; end: number } | null;
  /** A frame list's images, in order. */
  frameFileIds: string[];
}

export interface AssetSourcePorts {
  files: Pick<FileService, 'add' | 'resolve' | 'localCopy'>;
  events: { get(idOrPrefix: string): Promise<EventView> };
  downloads: { open(url: string, signal: AbortSignal): Promise<{ body: Readable; contentType: string | null; name: string }> };
  probe(path: string, signal?: AbortSignal): Promise<VideoInfo>;
  maxUploadBytes: number;
}

/** Image formats ffprobe reads as a one-frame "video". */
const STILL_FORMATS = /^(image2|.*_pipe|gif|webp|apng)$/;

/**
 * Turns an asset's content into library files: URLs are fetched (under the network policy, with
 * the upload size limit) and stored once by content; library files and events are looked up.
 * Every failure names the asset by its external id.
 */
export class AssetSourceResolver {
  constructor(private readonly ports: AssetSourcePorts) {}

  async resolve(asset: PlannedAsset, signal: AbortSignal): Promise<ResolvedSource> {
    try {
      return await this.resolveSource(asset.source, signal);
    } catch (error) {
      throw namedError(asset.externalId, error);
    }
  }

  private async resolveSource(source: AssetSource, signal: AbortSignal): Promise<ResolvedSource> {
    const none = { eventId: null, range: null, frameFileIds: [] };
    switch (source.kind) {
      case 'file': {
        const file = await this.ports.files.resolve(source.fileId);
        await this.checkVideo(file, signal);
        return { sourceKind: 'file', fileId: file.id, ...none };
      }
      case 'url': {
        const file = await this.download(source.url, signal);
        await this.checkVideo(file, signal);
        return { sourceKind: 'url', fileId: file.id, ...none };
      }
      case 'event':
        return this.event(source.eventId);
      case 'frames': {
        const frameFileIds: string[] = [];
        for (const frame of source.frames) {
          frameFileIds.push(frame.kind === 'file' ? (await this.ports.files.resolve(frame.fileId)).id : (await this.download(frame.url, signal)).id);
        }
        return { sourceKind: 'frames', fileId: null, eventId: null, range: null, frameFileIds };
      }
    }
  }

  /** An event as an asset: its media between the event's start and end (never re-encoded), or its clip when the media is gone. */
  private async event(idOrPrefix: string): Promise<ResolvedSource> {
    const event = await this.ports.events.get(idOrPrefix);
    const mediaId = typeof event.media_id === 'string' ? event.media_id : null;
    const clipId = typeof event.clip_file_id === 'string' ? event.clip_file_id : null;
    const start = typeof event.start === 'number' ? event.start : null;
    const end = typeof event.end === 'number' ? event.end : null;
    if (mediaId && start !== null && end !== null && (await this.exists(mediaId))) {
      return { sourceKind: 'event', fileId: mediaId, eventId: event.id, range: { start, end }, frameFileIds: [] };
    }
    if (clipId && (await this.exists(clipId))) return { sourceKind: 'event', fileId: clipId, eventId: event.id, range: null, frameFileIds: [] };
    throw new CamtroveError('CAMTROVE_ERR_ASSET_SOURCE', `event ${event.id} has neither its media nor a clip in the library any more`);
  }

  private async exists(fileId: string): Promise<boolean> {
    try {
      await this.ports.files.resolve(fileId);
      return true;
    } catch (error) {
      if (isCamtroveError(error) && error.code === 'CAMTROVE_ERR_FILE_NOT_FOUND') return false;
      throw error;
    }
  }

  private async download(url: string, signal: AbortSignal): Promise<FileRecord> {
    const download = await this.ports.downloads.open(url, signal);
    const options: AddFileOptions = { name: download.name, maxBytes: this.ports.maxUploadBytes };
    if (download.contentType) options.contentType = download.contentType;
    try {
      return (await this.ports.files.add(download.body, options)).file;
    } catch (error) {
      if (isCamtroveError(error) && error.code === 'CAMTROVE_ERR_UPLOAD_TOO_LARGE') {
        throw new CamtroveError('CAMTROVE_ERR_ASSET_SOURCE', `${url} is larger than the ${this.ports.maxUploadBytes} bytes a file may have (maxUploadBytes); nothing was stored`);
      }
      throw error;
    } finally {
      download.body.destroy();
    }
  }

  /** A video by its name or type, or else by what ffprobe finds in it; anything else is refused with the accepted types. */
  private async checkVideo(file: FileRecord, signal: AbortSignal): Promise<void> {
    const extension = /\.([^./]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
    if ((VIDEO_EXTENSIONS as readonly string[]).includes(extension) || file.contentType.startsWith('video/')) return;
    const copy = await this.ports.files.localCopy(file.id);
    let info: VideoInfo | null = null;
    try {
      info = await this.ports.probe(copy.path, signal).catch(() => null);
    } finally {
      await copy.release();
    }
    if (info?.video && !STILL_FORMATS.test(info.format)) return;
    throw new CamtroveError('CAMTROVE_ERR_ASSET_SOURCE', `${file.name} (file ${file.id.slice(0, 12)}) is not a video; accepted: ${VIDEO_EXTENSIONS.join(', ')} or any video ffprobe reads`);
  }
}

/** The error of one asset, its message led by the asset's external id. */
function namedError(externalId: string, error: unknown): Error {
  if (!isCamtroveError(error)) return error instanceof Error ? error : new Error(String(error));
  const sourceProblem = error.code.startsWith('CAMTROVE_ERR_CAMERA_') || error.code === 'CAMTROVE_ERR_EMPTY_FILE' || error.code === 'CAMTROVE_ERR_UPLOAD_ABORTED' || error.code === 'CAMTROVE_ERR_REQUEST_TIMEOUT';
  return new CamtroveError(sourceProblem ? 'CAMTROVE_ERR_ASSET_SOURCE' : error.code, `asset ${JSON.stringify(externalId)}: ${error.message}`, { cause: error });
}
