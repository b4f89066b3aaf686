/**
 * The shapes motion segmentation works on. Geometry is normalised: x and w are fractions of the
 * frame's width, y and h of its height (0–1), so results do not depend on the analysis size.
 */

/** One analysis frame: one byte of luma per pixel, row by row. */
export interface GrayFrame {
  /** Seconds from the start of the media, from the frame's timestamp. */
  time: number;
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** One full-colour frame: three bytes (R, G, B) per pixel, row by row. */
export interface RgbFrame {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A closed polygon, at least three points. */
export type Polygon = Point[];

export interface Zone {
  name: string;
  polygon: Polygon;
}

export interface DetectorOptions {
  /** Per-pixel change (1–255, on contrast-normalised luma) that counts as moved. */
  threshold: number;
  /** Smallest moving blob, in % of the frame; smaller blobs are noise. */
  minAreaPct: number;
  /** A change over more than this % of the frame at once is lighting, not motion. */
  lightswitchPct: number;
  /** Areas to ignore. */
  masks: Polygon[];
  /** Named areas; a frame reports the zones its blobs touch. */
  zones: Zone[];
  /**
   * Whether small blobs must show up near a blob of one of the two previous frames (default true).
   * Off for frames seconds apart (keyframes), where a small object cannot be seen twice in a row.
   */
  confirmSmallBlobs?: boolean;
}

/** A moving blob in one frame. */
export interface Blob {
  box: Box;
  /** Moving pixels of the blob, in % of the frame. */
  areaPct: number;
  centroid: Point;
}

/** What the detector saw in one frame. */
export interface FrameMotion {
  time: number;
  /** Moving pixels in blobs that passed the minimum area, in % of the frame. */
  motionPct: number;
  /** Blobs that passed the minimum area, largest first. */
  blobs: Blob[];
  /** Union of the blobs' boxes, or null when nothing moved. */
  box: Box | null;
  /** Area-weighted centroid of the blobs, or null when nothing moved. */
  centroid: Point | null;
  /** Moving fraction of each cell of a 16 × 16 grid, row by row (256 values, 0–1). */
  heat: Float32Array;
  /** Names of the zones the blobs touch. */
  zones: string[];
  /** The frame was a global lighting change: the background was reset and no motion reported. */
  lightswitch: boolean;
  /**
   * The frame repeated the previous one byte for byte (a camera or encoder filling its frame rate):
   * its motion is the previous frame's, and it is no new evidence that something moved.
   */
  repeated?: boolean;
}

export interface EventOptions {
  /** Seconds without motion that end an event. */
  eventGap: number;
  /** Frames with motion an event needs; fewer and it is dropped as a glitch. */
  minMotionFrames: number;
  /** Longer events are split at this many seconds. */
  maxEventLength: number;
  /** Seconds added before the first and after the last frame with motion (clamped to the media). */
  preCapture: number;
  postCapture: number;
}

/** A span of the media where something moved, described. */
export interface MotionEvent {
  /** Seconds from the start of the media: first motion minus pre-capture, clamped at 0. */
  start: number;
  /** Last motion plus post-capture, clamped at the media's duration when known. */
  end: number;
  /** First and last frame with motion, without pre/post capture. */
  motionStart: number;
  motionEnd: number;
  motionFrames: number;
  /** Largest and mean motion over the frames with motion, % of frame. */
  peakMotionPct: number;
  meanMotionPct: number;
  /** Union of all boxes of the event. */
  box: Box;
  /** Boxes sampled along the event (at most about 20), with their times. */
  boxTrack: { time: number; box: Box }[];
  /** Centroid path, sampled like boxTrack. */
  trajectory: { time: number; point: Point }[];
  /** Direction of travel of the centroid, degrees: 0 = up (north), 90 = right (east); null if it did not travel. */
  directionDeg: number | null;
  /** Compass word for directionDeg: N, NE, E, SE, S, SW, W, NW; null if it did not travel. */
  direction: string | null;
  /** Centroid speed, fraction of the frame width per second. */
  speed: number;
  /** 16 × 16 grid, row by row: share of the event's frames in which each cell moved (0–1). */
  heatmap: number[];
  zones: string[];
  /** 0–1: how sure this is real motion (duration, area and persistence). */
  score: number;
  /** Time of the frame with the most motion, for the thumbnail. */
  peakTime: number;
  /** Box at peakTime, drawn on the thumbnail. */
  peakBox: Box;
  /**
   * The moving objects, each followed on its own (src/domain/motion/object-tracker.ts), in order
   * of appearance; empty for events stored before objects were tracked.
   */
  objects: ObjectTrack[];
}

/** One moving object of an event: its blob followed from frame to frame. */
export interface ObjectTrack {
  /** 1, 2, … within the event, in order of appearance. */
  id: number;
  /** Media seconds of its first and last sighting. */
  start: number;
  end: number;
  /** Its box over time, from the first sighting to the last (both always kept), thinned on long tracks. */
  boxes: { time: number; box: Box }[];
}

/** A dominant colour of an event's moving region. */
export interface DominantColor {
  rgb: [number, number, number];
  hex: string;
  /** A plain colour name people search by: red, blue, white, … */
  name: string;
  /** Share of the moving region's pixels, 0–1. */
  share: number;
}
