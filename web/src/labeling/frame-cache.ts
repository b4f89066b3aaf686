// The frames the labeling tool has asked for, decoded and kept, so stepping shows a frame at once
// and the next ones are fetched before they are wanted.

export class FrameCache {
  private readonly frames = new Map<number, Promise<ImageBitmap>>();

  constructor(
    private readonly load: (frame: number) => Promise<ImageBitmap>,
    /** How many decoded frames to keep: the least recently asked for go first. */
    private readonly capacity: number,
  ) {}

  /** Frame k, from memory when asked for before. */
  get(frame: number): Promise<ImageBitmap> {
    let image = this.frames.get(frame);
    if (image) this.frames.delete(frame);
    else {
      image = this.load(frame);
      // A failed frame is asked for again next time.
      image.catch(() => this.frames.get(frame) === image && this.frames.delete(frame));
    }
    this.frames.set(frame, image);
    this.evict();
    return image;
  }

  /** Starts fetching the frames in `frames` not held yet. */
  prefetch(frames: readonly number[]): void {
    for (const frame of frames) if (!this.frames.has(frame)) void this.get(frame).catch(() => undefined);
  }

  has(frame: number): boolean {
    return this.frames.has(frame);
  }

  private evict(): void {
    while (this.frames.size > this.capacity) {
      const [oldest, image] = this.frames.entries().next().value as [number, Promise<ImageBitmap>];
      this.frames.delete(oldest);
      void image.then((bitmap) => bitmap.close(), () => undefined);
    }
  }
}
