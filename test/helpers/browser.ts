// What the labeling tool's browser tests share: Debian's chromium through playwright-core, the built
// app, where screenshots go, and the shape of the labels they read back through the API.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const WEB_ROOT = join(import.meta.dirname, '..', '..', 'dist', 'web');
/** With CAMTROVE_UPDATE_SCREENSHOTS=1 (`npm run screenshots`), where the tests write the pages' screenshots. */
export const SCREENSHOTS = process.env.CAMTROVE_UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots') : null;
/** Why the browser tests are skipped here, or false. */
export const skipWithoutChromium = existsSync(CHROMIUM) ? false : `needs Debian's chromium at ${CHROMIUM} (apt-get install chromium)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export interface Vertex {
  x: number;
  y: number;
}
export interface Annotation {
  mid: string;
  isKeyFrame: boolean;
  categories: { name: string }[];
  boundingPoly: { normalizedVertices: Vertex[] }[];
}
/** A label's jsonResponse as the tests read it: the OBJECTS job's annotations by frame. */
export type LabelFrames = Record<string, { OBJECTS?: { annotations: Annotation[] } }>;
