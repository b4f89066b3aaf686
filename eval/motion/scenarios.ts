import type { Scenario, Waypoint } from './scenario.js';

/**
 * The evaluation clips. Timing rules that keep the truth unambiguous (test/eval checks them):
 * nothing moves in the first 3 s (a detector needs a background) or the last 2 s; motion spans
 * are either less than 3 s or more than 8 s apart, so an error of a second or two at an edge
 * cannot join or split events under the 5 s event gap; flashes and light switches happen inside
 * an event or more than 8 s away from one, on frames a 5 fps analysis looks at (multiples of 0.2 s:
 * a one-frame flash between them is invisible to it, and tests nothing).
 *
 * Objects that appear inside the frame do so at times off the 0.2 s grid of a 5 fps analysis, so a
 * boundary error of 0 is not a gift of the clock.
 *
 * Object sizes are % of the frame's height (1 % of 360 px is under 2 px once the analysis shrinks
 * the frame to 320 px wide); positions are fractions of the frame, outside 0–1 when an object
 * enters or leaves through an edge.
 */
const at = (t: number, x: number, y: number): Waypoint => ({ t, x, y });

const clean = { noise: 4, crf: 23 };
const small = { width: 640, height: 360 };
const hd = { width: 1280, height: 720 };

export const scenarios: Scenario[] = [
  {
    name: 'walker',
    about: 'a person-sized dark figure crossing the path from edge to edge',
    ...small, fps: 10, duration: 30, background: 'vtest', effects: clean,
    objects: [{ shape: 'box', colour: '0x202020', heightPct: 14, aspect: 0.4, path: [at(4, -0.05, 0.55), at(16, 1.05, 0.62)] }],
  },
  {
    name: 'two-visits',
    about: 'an ellipse crossing left to right, later a box from the top edge to the bottom one',
    ...small, fps: 25, duration: 40, background: 'mandelbrot', effects: clean,
    objects: [
      { shape: 'ellipse', colour: 'red', heightPct: 8, aspect: 1.5, path: [at(5, -0.1, 0.3), at(12, 1.1, 0.4)] },
      { shape: 'box', colour: 'blue', heightPct: 6, aspect: 1, path: [at(24, 0.6, -0.1), at(31, 0.5, 1.1)] },
    ],
  },
  {
    name: 'crossing-paths',
    about: 'three objects crossing each other at once: one event',
    ...hd, fps: 15, duration: 30, background: 'vtest', effects: clean,
    objects: [
      { shape: 'box', colour: 'yellow', heightPct: 6, aspect: 1, path: [at(6.3, 0.05, 0.75), at(14.2, 0.95, 0.7)] },
      { shape: 'ellipse', colour: '0x005000', heightPct: 5, aspect: 1, path: [at(8.1, 0.9, 0.45), at(15.35, 0.1, 0.55)] },
      { shape: 'ellipse', colour: 'white', heightPct: 3, aspect: 1, path: [at(9.45, 0.5, 0.1), at(13.7, 0.45, 0.9)] },
    ],
  },
  {
    name: 'slow-walker',
    about: 'a brown ellipse creeping across 30 % of a textured frame in 20 s (1 px per analysed frame)',
    ...small, fps: 10, duration: 40, background: 'cellauto', effects: clean,
    objects: [{ shape: 'ellipse', colour: '0x8b4513', heightPct: 7, aspect: 0.6, path: [at(8.15, 0.2, 0.5), at(28.45, 0.5, 0.55)] }],
  },
  {
    name: 'fast-runner',
    about: 'a small black box crossing the whole frame in 1.2 s, three times',
    ...small, fps: 30, duration: 36, background: 'testsrc2', effects: clean,
    objects: [
      { shape: 'box', colour: 'black', heightPct: 4, aspect: 1, path: [at(5.13, -0.02, 0.3), at(6.33, 1.02, 0.35)] },
      { shape: 'box', colour: 'black', heightPct: 4, aspect: 1, path: [at(16.37, 1.02, 0.7), at(17.57, -0.02, 0.6)] },
      { shape: 'box', colour: 'black', heightPct: 4, aspect: 1, path: [at(28.61, -0.02, 0.5), at(29.81, 1.02, 0.5)] },
    ],
  },
  {
    name: 'tiny-objects',
    about: 'objects 1 % and 1.5 % of the frame high (4 and 5 px), over the path and over grass',
    ...small, fps: 25, duration: 40, background: 'vtest', effects: clean,
    objects: [
      { shape: 'box', colour: 'black', heightPct: 1, aspect: 1, path: [at(4.23, 0.15, 0.5), at(12.38, 0.6, 0.45)] },
      { shape: 'ellipse', colour: 'white', heightPct: 1.5, aspect: 1, path: [at(21.14, 0.8, 0.85), at(30.57, 0.3, 0.8)] },
    ],
  },
  {
    name: 'hd-bird',
    about: 'a 1080p clip: a dark ellipse 1.2 % of the frame high flying diagonally',
    width: 1920, height: 1080, fps: 30, duration: 20, background: 'vtest', effects: { noise: 4, crf: 24 },
    objects: [{ shape: 'ellipse', colour: '0x101010', heightPct: 1.2, aspect: 1.6, path: [at(5.27, 0.1, 0.15), at(11.41, 0.7, 0.35)] }],
  },
  {
    name: 'pause-and-go',
    about: 'a box enters, stops for 2.5 s, walks on and leaves (one event); later an ellipse crosses',
    ...hd, fps: 25, duration: 40, background: 'gradients', effects: clean,
    objects: [
      { shape: 'box', colour: 'purple', heightPct: 10, aspect: 0.5, path: [at(4.09, -0.05, 0.6), at(9.09, 0.4, 0.6), at(11.59, 0.4, 0.6), at(17.09, 1.05, 0.55)] },
      { shape: 'ellipse', colour: 'orange', heightPct: 6, aspect: 1, path: [at(27.33, 0.2, 0.2), at(33.47, 0.8, 0.8)] },
    ],
  },
  {
    name: 'four-visits',
    about: 'four visitors of different shapes, sizes and colours, from all four edges',
    ...small, fps: 15, duration: 60, background: 'mandelbrot', effects: clean,
    objects: [
      { shape: 'box', colour: 'white', heightPct: 5, aspect: 1, path: [at(4.1, -0.05, 0.7), at(10.1, 0.6, 0.75)] },
      { shape: 'ellipse', colour: 'black', heightPct: 3, aspect: 1, path: [at(18.62, 0.3, -0.05), at(24.17, 0.35, 0.8)] },
      { shape: 'box', colour: 'cyan', heightPct: 8, aspect: 1.5, path: [at(32.48, 1.1, 0.2), at(38.21, 0.3, 0.6)] },
      { shape: 'ellipse', colour: 'yellow', heightPct: 12, aspect: 0.5, path: [at(46.55, 0.7, 1.1), at(54.06, 0.6, -0.1)] },
    ],
  },
  {
    name: 'drift-walker',
    about: 'the light fades to half over 45 s while two objects pass',
    ...small, fps: 25, duration: 45, background: 'vtest', effects: { ...clean, driftGain: 0.5 },
    objects: [
      { shape: 'box', colour: 'black', heightPct: 10, aspect: 0.4, path: [at(8.21, 1.05, 0.5), at(16.33, 0.2, 0.55)] },
      { shape: 'ellipse', colour: 'red', heightPct: 6, aspect: 1, path: [at(28.47, 0.1, 0.3), at(36.18, 0.9, 0.35)] },
    ],
  },
  {
    name: 'noisy-camera',
    about: 'heavy sensor noise (a dim evening picture) with two passers-by',
    ...small, fps: 15, duration: 40, background: 'vtest', effects: { noise: 20, crf: 26 },
    objects: [
      { shape: 'box', colour: 'white', heightPct: 6, aspect: 1, path: [at(6.27, 0.1, 0.6), at(12.44, 0.9, 0.6)] },
      { shape: 'ellipse', colour: 'black', heightPct: 4, aspect: 1, path: [at(24.12, 0.8, 0.3), at(31.36, 0.2, 0.8)] },
    ],
  },
  {
    name: 'shaky-camera',
    about: 'a camera shaking by up to 2 px over a high-contrast texture, two visitors',
    ...small, fps: 15, duration: 40, background: 'cellauto', effects: { ...clean, jitterPx: 2 },
    objects: [
      { shape: 'box', colour: 'red', heightPct: 8, aspect: 1, path: [at(8.31, 0.1, 0.4), at(15.22, 0.9, 0.45)] },
      { shape: 'ellipse', colour: 'yellow', heightPct: 6, aspect: 1, path: [at(26.07, 0.5, 0.1), at(32.43, 0.5, 0.9)] },
    ],
  },
  {
    name: 'lights-then-visitor',
    about: 'the lights go down to 55 %, a visitor walks in from the right edge, the lights come up',
    ...hd, fps: 10, duration: 40, background: 'vtest',
    effects: { ...clean, lightSwitches: [{ at: 8, gain: 0.55 }, { at: 33, gain: 1.8 }] },
    objects: [{ shape: 'box', colour: 'blue', heightPct: 12, aspect: 0.4, path: [at(16, 1.05, 0.45), at(24.13, 0.35, 0.5)] }],
  },
  {
    name: 'flashes-during-walk',
    about: 'two flashes while someone walks, one long after',
    ...small, fps: 25, duration: 30, background: 'mandelbrot',
    effects: { ...clean, flashes: [13.6, 15.2, 27.6], flashGain: 1.8 },
    objects: [{ shape: 'box', colour: 'black', heightPct: 10, aspect: 0.4, path: [at(10.17, 0.1, 0.5), at(18.29, 0.8, 0.5)] }],
  },
  {
    name: 'colour-parade',
    about: 'red, green and blue ellipses crossing the path one after the other',
    ...hd, fps: 25, duration: 40, background: 'vtest', effects: clean,
    objects: [
      { shape: 'ellipse', colour: 'red', heightPct: 7, aspect: 1, path: [at(4.29, 0.1, 0.5), at(9.18, 0.8, 0.5)] },
      { shape: 'ellipse', colour: '0x00c000', heightPct: 7, aspect: 1, path: [at(17.66, 0.9, 0.4), at(23.08, 0.2, 0.45)] },
      { shape: 'ellipse', colour: 'blue', heightPct: 7, aspect: 1, path: [at(31.57, 0.1, 0.6), at(37.14, 0.8, 0.55)] },
    ],
  },
  {
    name: 'everything-and-visitors',
    about: 'noise, drift, shake, a flash and heavy compression, with two visitors',
    ...small, fps: 25, duration: 40, background: 'vtest',
    effects: { noise: 12, crf: 30, driftGain: 0.75, jitterPx: 1, flashes: [30], flashGain: 1.8 },
    objects: [
      { shape: 'box', colour: 'white', heightPct: 6, aspect: 1, path: [at(5.12, 0.05, 0.3), at(12.39, 0.7, 0.4)] },
      { shape: 'ellipse', colour: '0x3a1d0a', heightPct: 8, aspect: 0.7, path: [at(27.26, 0.9, 0.7), at(34.31, 0.3, 0.6)] },
    ],
  },
  // Nothing moves in these: every event found is a false one.
  {
    name: 'empty-noise',
    about: 'no objects: strong sensor noise',
    ...small, fps: 25, duration: 30, background: 'vtest', effects: { noise: 24, crf: 28 }, objects: [],
  },
  {
    name: 'empty-drift',
    about: 'no objects: the light fades to 45 % over 30 s',
    ...small, fps: 15, duration: 30, background: 'vtest', effects: { ...clean, driftGain: 0.45 }, objects: [],
  },
  {
    name: 'empty-lightswitch',
    about: 'no objects: the lights go down to half, then up to double',
    ...hd, fps: 10, duration: 30, background: 'vtest',
    effects: { ...clean, lightSwitches: [{ at: 8, gain: 0.5 }, { at: 20, gain: 2 }] }, objects: [],
  },
  {
    name: 'empty-flashes',
    about: 'no objects: five one-frame flashes',
    ...small, fps: 25, duration: 30, background: 'mandelbrot',
    effects: { ...clean, flashes: [5, 9.2, 13.4, 21.6, 26], flashGain: 1.8 }, objects: [],
  },
  {
    name: 'empty-jitter',
    about: 'no objects: a camera shaking by up to 2 px over a high-contrast texture',
    ...small, fps: 30, duration: 30, background: 'cellauto', effects: { ...clean, jitterPx: 2 }, objects: [],
  },
  {
    name: 'empty-everything',
    about: 'no objects: noise, drift, a light switch, two flashes, shake and heavy compression',
    ...small, fps: 15, duration: 30, background: 'vtest',
    effects: { noise: 14, crf: 32, driftGain: 0.7, lightSwitches: [{ at: 15, gain: 1.6 }], flashes: [7, 23], flashGain: 1.8, jitterPx: 2 },
    objects: [],
  },
];
