import type { Readable } from 'node:stream';
import type { AssetFrameRecord, AssetRecord } from '../../adapters/db/label-asset.repository.js';
import type { AssetMedia } from '../../adapters/media/asset-media.js';
import { CamtroveError } from '../../domain/errors.js';
import type { FileService } from '../file.service.js';
import type { FrameCache } from './frame-cache.js';

/**
 * Serves one frame of an asset as an image: a frame list's (or a split video's) own image as it is
 * stored, or the frame decoded from the video by seeking to the key frame before it, exactly that
 * frame, cached for the next request.
 */
export class AssetFrames {
  constructor(
    private readonly files: Pick<FileService, 'resolve' | 'open' | 'localCopy'>,
    private readonly media: Pick<AssetMedia, 'frameImage'>,
    private readonly cache: FrameCache,
  ) {}

  async image(asset: AssetRecord, frame: AssetFrameRecord, previousPts: number | null, format: 'jpeg' | 'png'): Promise<{ contentType: string; body: Buffer | Readable }> {
    if (frame.fileId) {
      const file = await this.files.resolve(frame.fileId);
      return { contentType: file.contentType, body: await this.files.open(file) };
    }
    if (!asset.fileId || frame.pts === null) throw new CamtroveError('CAMTROVE_ERR_ASSET_NOT_READY', `asset ${JSON.stringify(asset.externalId)} has no video to take frame ${frame.index} from`);
    const key = `${asset.id}:${asset.updatedAt}:${frame.index}:${format}`;
    const cached = this.cache.get(key);
    if (cached) return { contentType: `image/${format}`, body: cached };
    const copy = await this.files.localCopy(asset.fileId);
    try {
      const image = await this.media.frameImage(copy.path, { pts: frame.pts, previousPts: previousPts !== null && previousPts < frame.pts ? previousPts : null, keyPts: frame.keyPts ?? frame.pts }, format);
      this.cache.set(key, image);
      return { contentType: `image/${format}`, body: image };
    } finally {
      await copy.release();
    }
  }

  forget(assetId: string): void {
    this.cache.forget(`${assetId}:`);
  }
}
