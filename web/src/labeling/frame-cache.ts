// The frames the labeling tool has asked for, decoded and kept, so stepping shows a frame at once
// and the next ones, in the direction the labeler is moving, are fetched before they are wanted.

/** A decoded frame (an ImageBitmap in the browser). */
export interface FrameImage {
  width: number;
  height: number;
  close(): void;
}

/** The memory a frame takes once decoded: 4 bytes (RGBA) a pixel. */
export const bytesOfImage = (image: FrameImage): number => image.width * image.height * 4;

/**
 * 256 MiB of decoded frames: about 32 frames of 1080p (8 MB each), more than a second of video at
 * 25 fps ahead and behind, and 400 frames of 320×240. A browser tab on a laptop has a few GiB and the
 * page holds little else, but a tab that asks for gigabytes is killed or swaps: a count alone (90
 * frames of 1080p is 750 MB) does not bound it.
 */
export const DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024;

export interface FrameCacheOptions {
  /** How many frames to keep at most (those furthest from the current one go first). */
  frames: number;
  /** How many bytes of decoded frames to keep at most; a frame still loading counts as the last decoded one. */
  bytes?: number;
  /** The asset's frame count: frames past it are never fetched ahead. */
  count: number;
  /** Frames fetched ahead in the direction of travel, and behind it, when a frame is asked for. */
  ahead?: number;
  behind?: number;
}

interface Entry<Image> {
  image: Promise<Image>;
  /** Known once decoded. */
  bytes: number | null;
}

export class FrameCache<Image extends FrameImage> {
  private readonly frames = new Map<number, Entry<Image>>();
  private readonly budget: number;
  private readonly ahead: number;
  private readonly behind: number;
  /** The size of the last frame decoded: frames of one asset share it. */
  private frameBytes = 0;
  private last: number | null = null;
  private direction: 1 | -1 = 1;

  constructor(
    private readonly load: (frame: number) => Promise<Image>,
    private readonly options: FrameCacheOptions,
  ) {
    this.budget = options.bytes ?? DEFAULT_BUDGET_BYTES;
    this.ahead = options.ahead ?? 12;
    this.behind = options.behind ?? 2;
  }

  /** Frame k, from memory when asked for before; the frames after it in the direction of travel are fetched too. */
  get(frame: number): Promise<Image> {
    if (this.last !== null && frame !== this.last) this.direction = frame > this.last ? 1 : -1;
    this.last = frame;
    const image = this.fetch(frame);
    this.prefetch(this.around(frame));
    return image;
  }

  /** Starts fetching the frames in `frames` not held yet, without changing the direction of travel. */
  prefetch(frames: readonly number[]): void {
    for (const frame of frames) if (!this.frames.has(frame)) void this.fetch(frame).catch(() => undefined);
  }

  has(frame: number): boolean {
    return this.frames.has(frame);
  }

  /** Bytes held: decoded frames by their size, frames still loading as the last decoded one. */
  bytesHeld(): number {
    let total = 0;
    for (const entry of this.frames.values()) total += entry.bytes ?? this.frameBytes;
    return total;
  }

  /**
   * The frames worth having next to `frame`: ahead in the direction of travel first, then behind,
   * as many as fit in the budget beside the frame itself (all of them until a frame's size is known).
   */
  around(frame: number): number[] {
    const fit = this.frameBytes > 0 ? Math.max(0, Math.floor(this.budget / this.frameBytes) - 1) : Infinity;
    const limit = Math.min(this.options.frames - 1, fit);
    const ahead = Math.min(this.ahead, limit);
    const behind = Math.min(this.behind, limit - ahead);
    const frames: number[] = [];
    const add = (k: number) => k >= 0 && k < this.options.count && frames.push(k);
    for (let step = 1; step <= ahead; step++) add(frame + step * this.direction);
    for (let step = 1; step <= behind; step++) add(frame - step * this.direction);
    return frames;
  }

  private fetch(frame: number): Promise<Image> {
    const held = this.frames.get(frame);
    if (held) return held.image;
    const image = this.load(frame);
    const entry: Entry<Image> = { image, bytes: null };
    image.then(
      (bitmap) => {
        entry.bytes = bytesOfImage(bitmap);
        this.frameBytes = entry.bytes;
        if (this.frames.get(frame) === entry) this.evict();
      },
      // A failed frame is asked for again next time.
      () => this.frames.get(frame) === entry && this.frames.delete(frame),
    );
    this.frames.set(frame, entry);
    this.evict();
    return image;
  }

  /** Lets go of the frames least likely to be wanted next until both limits hold; the current frame always stays. */
  private evict(): void {
    let bytes = this.bytesHeld();
    while (this.frames.size > 1 && (this.frames.size > this.options.frames || bytes > this.budget)) {
      const [frame, entry] = this.furthest();
      this.frames.delete(frame);
      bytes -= entry.bytes ?? this.frameBytes;
      void entry.image.then((bitmap) => bitmap.close(), () => undefined);
    }
  }

  /**
   * The held frame furthest from the current one, counting a frame behind the direction of travel
   * as further than every frame within the read-ahead: frames ahead are shown next, frames behind
   * only if the labeler turns around. (Frames fetched ahead arrive in order, so the oldest entries
   * are the nearest ones: dropping the least recently asked for would drop them first.)
   */
  private furthest(): [number, Entry<Image>] {
    let worst: [number, Entry<Image>] | null = null;
    let worstRank = -1;
    for (const held of this.frames) {
      if (held[0] === this.last) continue;
      const along = (held[0] - (this.last ?? 0)) * this.direction;
      const rank = along >= 0 ? along : this.ahead - along;
      if (rank > worstRank) [worst, worstRank] = [held, rank];
    }
    return worst!;
  }
}
