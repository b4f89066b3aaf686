/**
 * The vocabulary of a rendered evaluation clip: a still background, objects moving along straight
 * paths, and what the camera does to the picture. Everything that changes in a clip is described
 * here, so the truth (when something moved) follows from the data alone.
 */

/** A still scene: the campus path of vtest.avi with its people removed, or a frozen lavfi texture. */
export type Background = 'vtest' | 'mandelbrot' | 'cellauto' | 'gradients' | 'testsrc2';

/**
 * Where an object's centre is at time `t` (seconds), in fractions of the frame from the top left.
 * Values beyond 0–1 put it (partly) outside, so it can enter or leave through an edge.
 */
export interface Waypoint {
  t: number;
  x: number;
  y: number;
}

export interface SceneObject {
  shape: 'box' | 'ellipse';
  /** An ffmpeg colour: a name (`red`) or `0xRRGGBB`. */
  colour: string;
  /** Height, % of the frame's height. */
  heightPct: number;
  /** Width / height. */
  aspect: number;
  /**
   * Straight moves between waypoints (two waypoints at one place make a pause). The object is on
   * screen from the first waypoint's time to the last one's, and nowhere else.
   */
  path: Waypoint[];
}

/** A sudden change of the light: the picture's gain is multiplied by `gain` from `at` on. */
export interface LightSwitch {
  at: number;
  gain: number;
}

/** What the camera adds. Gains multiply the brightness (a gain of 0.5 halves it). */
export interface CameraEffects {
  /** Temporal sensor noise, ffmpeg `noise` strength (0 = none, 20 = a grainy night picture). */
  noise: number;
  /** H.264 quality (x264 CRF): higher is blockier. */
  crf: number;
  /** Slow illumination drift: the gain moves linearly from 1 at the start to this at the end. */
  driftGain?: number;
  lightSwitches?: LightSwitch[];
  /** Times of one-frame flashes (the frame nearest each time is brightened). */
  flashes?: number[];
  /** Gain of a flashed frame. */
  flashGain?: number;
  /** Camera shake: the picture wanders by up to this many pixels each way. */
  jitterPx?: number;
}

export interface Scenario {
  name: string;
  /** What the clip tests, for people reading the results. */
  about: string;
  width: number;
  height: number;
  fps: number;
  /** Seconds. */
  duration: number;
  background: Background;
  effects: CameraEffects;
  objects: SceneObject[];
}
