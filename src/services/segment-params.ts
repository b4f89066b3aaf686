import { Type, type Static } from '@sinclair/typebox';
import { defaultEventOptions } from '../domain/motion/event-builder.js';
import { defaultDetectorOptions } from '../domain/motion/motion-detector.js';
import { parsePolygon, parseZone } from '../domain/motion/polygon.js';
import type { SegmentOptions } from './segmenter.js';

/**
 * Parameters of motion segmentation, shared by `camtrove segment` (as --kebab-case flags) and the
 * `segment` analysis (as snake_case fields), so both validate and default alike. Defaults are
 * chosen for fixed cameras at the analysis rate; docs/motion.md explains each.
 */
export const SegmentParams = Type.Object(
  {
    fps: Type.Number({ exclusiveMinimum: 0, maximum: 60, default: 5, description: 'Analysis rate, frames per second.' }),
    width: Type.Integer({ minimum: 64, maximum: 1920, default: 320, description: 'Width frames are analysed at, pixels (never more than the video\'s).' }),
    threshold: Type.Integer({ minimum: 1, maximum: 255, default: defaultDetectorOptions.threshold, description: 'Per-pixel change (1-255) that counts as motion.' }),
    min_area: Type.Number({ minimum: 0, maximum: 100, default: defaultDetectorOptions.minAreaPct, description: 'Smallest moving blob, % of the frame.' }),
    lightswitch: Type.Number({ exclusiveMinimum: 0, maximum: 100, default: defaultDetectorOptions.lightswitchPct, description: 'A change over more than this % of the frame at once is lighting, not motion.' }),
    event_gap: Type.Number({ minimum: 0, maximum: 3600, default: defaultEventOptions.eventGap, description: 'Seconds without motion that end an event.' }),
    pre_capture: Type.Number({ minimum: 0, maximum: 600, default: defaultEventOptions.preCapture, description: 'Seconds added before the first motion of an event.' }),
    post_capture: Type.Number({ minimum: 0, maximum: 600, default: defaultEventOptions.postCapture, description: 'Seconds added after the last motion of an event.' }),
    min_motion_frames: Type.Integer({ minimum: 1, maximum: 1000, default: defaultEventOptions.minMotionFrames, description: 'Frames with motion an event needs; fewer is a glitch.' }),
    max_event_length: Type.Number({ exclusiveMinimum: 0, maximum: 86_400, default: defaultEventOptions.maxEventLength, description: 'Longer events are split, seconds.' }),
    mask: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Areas to ignore: polygons "x,y x,y x,y …", normalised 0-1 or in video pixels.' }),
    zone: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Named areas "name:x,y x,y x,y …"; events report which zones they touched.' }),
    thumbnails: Type.Boolean({ default: true, description: 'A JPEG of each event\'s strongest frame with its box drawn.' }),
    clips: Type.Boolean({ default: true, description: 'An MP4 clip of each event (stream copy when keyframes allow).' }),
    fast: Type.Boolean({
      default: false,
      description: 'Keyframes first: decode only the keyframes, then fully only the stretches around motion. Faster on mostly calm video; motion that starts and ends between two calm keyframes without raising the bitrate can be missed.',
    }),
  },
  { additionalProperties: false },
);

export type SegmentParamValues = Static<typeof SegmentParams>;

/** The options a Segmenter takes, from validated parameters; `outputDir` receives thumbnails and clips. */
export function segmentOptionsFrom(params: SegmentParamValues, outputDir: string | null): SegmentOptions {
  return {
    fps: params.fps,
    width: params.width,
    detector: { threshold: params.threshold, minAreaPct: params.min_area, lightswitchPct: params.lightswitch, masks: params.mask, zones: params.zone },
    events: { eventGap: params.event_gap, minMotionFrames: params.min_motion_frames, maxEventLength: params.max_event_length, preCapture: params.pre_capture, postCapture: params.post_capture },
    outputDir,
    thumbnails: params.thumbnails,
    clips: params.clips,
    fast: params.fast,
  };
}

/** Reads every mask and zone once, so a typo is refused before any work (pixel sizes are checked later, against the video). */
export function checkSegmentParams(params: SegmentParamValues): string | null {
  const anySize = { width: 1, height: 1 };
  try {
    for (const mask of params.mask) parsePolygon(mask, anySize, 'mask');
    for (const zone of params.zone) parseZone(zone, anySize);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
