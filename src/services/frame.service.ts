import type { FrameRecord, FrameRepository } from '../adapters/db/frame.repository.js';
import { CamtroveError } from '../domain/errors.js';
import { encodeFrameCursor, parseFrameQuery, type FrameQueryInput } from '../domain/frame-query.js';
import { notFoundError, resolveId } from '../domain/ids.js';
import type { CameraService } from './camera.service.js';

/** Browsing archived frames: a camera's frames in capture order, page by page, and one frame by id. */
export class FrameService {
  constructor(
    private readonly frames: FrameRepository,
    private readonly cameras: CameraService,
  ) {}

  /**
   * A page of a camera's frames, oldest first (newest first with sort `-time`), and the cursor of the next page (null on the last).
   * A camera that is not registered and has no frames is CAMERA_NOT_FOUND; frames kept from a camera
   * since removed can still be browsed.
   */
  async browse(cameraId: string, input: FrameQueryInput): Promise<{ items: FrameRecord[]; next: string | null }> {
    const query = parseFrameQuery(input);
    const rows = await this.frames.page(cameraId, query, query.limit + 1);
    if (rows.length === 0 && query.after === null && !(await this.cameras.find(cameraId))) {
      throw new CamtroveError('CAMTROVE_ERR_CAMERA_NOT_FOUND', `no camera has id ${JSON.stringify(cameraId)} (camtrove cameras ls lists them)`);
    }
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items, next: rows.length > query.limit && last ? encodeFrameCursor(last, query.newestFirst) : null };
  }

  /** The frame with this id or unique prefix (6 to 32 hex). */
  async get(idOrPrefix: string): Promise<FrameRecord> {
    const id = await resolveId('frame', idOrPrefix, { withPrefix: (prefix, limit) => this.frames.idsWithPrefix(prefix, limit) });
    const frame = await this.frames.get(id);
    if (!frame) throw notFoundError('frame', id);
    return frame;
  }
}
