import { TrackStepper } from '../interpolation.js';
import type { KeyFrame, TrackFrame, TrackHeader } from '../label-model.js';
import type { ExportAsset, ExportFrame } from '../export-source.js';

/** What one frame shows of one track. `ordinal`: the track's position (0-based) in the walked tracks. */
export interface ShownTrack {
  track: TrackHeader;
  ordinal: number;
  shown: TrackFrame;
}

interface Active {
  ordinal: number;
  stepper: TrackStepper;
  keys: AsyncIterator<KeyFrame>;
}

/**
 * Walks an asset frame by frame (for formats written frame-major: MOT, YOLO, COCO), with one
 * `TrackStepper` per track, created when the walk reaches the track's first key and dropped once
 * the track has ended, so only the tracks alive at a frame hold anything. Yields each frame with
 * what it shows, in the order of `tracks`.
 */
export async function* walkFrames(
  asset: ExportAsset,
  tracks: readonly TrackHeader[],
  interpolate: boolean,
): AsyncGenerator<{ frame: ExportFrame; shown: ShownTrack[] }> {
  const byStart = tracks.map((track, ordinal) => ({ track, ordinal })).sort((a, b) => a.track.firstFrame - b.track.firstFrame || a.ordinal - b.ordinal);
  let nextToStart = 0;
  let active: Active[] = [];
  let current: ExportFrame = { index: 0, width: 1, height: 1, pts: null };
  const aspectOf = (): number => (current.height > 0 ? current.width / current.height : 1);
  try {
    for await (const frame of asset.frames()) {
      current = frame;
      let started = false;
      while (nextToStart < byStart.length && byStart[nextToStart]!.track.firstFrame <= frame.index) {
        const { track, ordinal } = byStart[nextToStart++]!;
        const keys = asset.keys(track)[Symbol.asyncIterator]();
        active.push({ ordinal, keys, stepper: new TrackStepper(track, keys, { interpolate, aspectOf }) });
        started = true;
      }
      if (started) active.sort((a, b) => a.ordinal - b.ordinal);
      const shown: ShownTrack[] = [];
      let ended = false;
      for (const a of active) {
        const value = await a.stepper.at(frame.index);
        if (value) shown.push({ track: a.stepper.track, ordinal: a.ordinal, shown: value });
        else if (a.stepper.ended(frame.index)) ended = true;
      }
      if (ended) active = active.filter((a) => !a.stepper.ended(frame.index));
      yield { frame, shown };
    }
  } finally {
    // Stopped early (a consumer gave up): let key readers close their database cursors.
    for (const a of active) await a.keys.return?.();
  }
}
