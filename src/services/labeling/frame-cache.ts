/**
 * Recently served frame images, kept up to a byte budget and dropped least recently used first:
 * a labeler steps back and forth over the same frames, and the web app prefetches around the
 * current one, so most requests after the first are answered without running ffmpeg.
 */
export class FrameCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): Buffer | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Map order is insertion order: move the hit to the newest end.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  /** Whether the key is cached, without counting as a use. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, image: Buffer): void {
    if (image.length > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.length;
      this.entries.delete(key);
    }
    this.entries.set(key, image);
    this.bytes += image.length;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= value.length;
    }
  }

  /** Drops every frame of an asset (prepared again, or removed). */
  forget(prefix: string): void {
    for (const [key, value] of this.entries) {
      if (key.startsWith(prefix)) {
        this.entries.delete(key);
        this.bytes -= value.length;
      }
    }
  }

  get size(): number {
    return this.bytes;
  }
}
