import type { ExportAsset } from '../export-source.js';

export interface FrameSize { width: number; height: number }

/**
 * Every frame's size, for exporters that walk track by track (CVAT) and so need the size of any
 * frame. Read in one pass over the frames and kept as runs of equal sizes: one run for a video,
 * one per change of size for a frame list.
 */
export class FrameSizes {
  private constructor(
    private readonly starts: number[],
    private readonly widths: number[],
    private readonly heights: number[],
  ) {}

  static async of(asset: ExportAsset): Promise<FrameSizes> {
    const starts: number[] = [];
    const widths: number[] = [];
    const heights: number[] = [];
    for await (const f of asset.frames()) {
      const last = widths.length - 1;
      if (last >= 0 && widths[last] === f.width && heights[last] === f.height) continue;
      starts.push(f.index);
      widths.push(f.width);
      heights.push(f.height);
    }
    return new FrameSizes(starts, widths, heights);
  }

  /** The size of `frame` (the last run starting at or before it; the first run for frames before any). */
  at(frame: number): FrameSize {
    let lo = 0;
    let hi = this.starts.length - 1;
    if (hi < 0) return { width: 0, height: 0 };
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= frame) lo = mid;
      else hi = mid - 1;
    }
    return { width: this.widths[lo]!, height: this.heights[lo]! };
  }

  /** The first frame's size (CVAT's original_size, MOT's imWidth/imHeight). */
  first(): FrameSize {
    return this.at(0);
  }
}
