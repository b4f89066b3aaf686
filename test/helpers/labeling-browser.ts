// The labeling tool's browser tests' setup: a real `camtrove serve` on loopback, a generated clip,
// and Debian's chromium through playwright-core with a page that records console errors; and the
// shape of the labels they read back through the API.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Processes, type Server } from './cli.js';
import { makeVideo } from './media.js';
import { createTestEnv, type TestEnv } from './test-library.js';

const CHROMIUM = '/usr/bin/chromium';
const WEB_ROOT = join(import.meta.dirname, '..', '..', 'dist', 'web');
const SCREENSHOTS = process.env.CAMTROVE_UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots') : null;

/** Why the browser tests cannot run here, or false. */
export const skipWithoutChromium = existsSync(CHROMIUM) ? false : `needs Debian's chromium at ${CHROMIUM} (apt-get install chromium)`;

export interface LabelingBrowser {
  server: Server;
  page: Page;
  /** The generated clip's path. */
  clip: string;
  /** The test's own directory, for more media. */
  dir: string;
  /** Console errors and uncaught exceptions of the page, as they come. */
  errors: string[];
  close(): Promise<void>;
}

/** A server, a 320×240 clip of `frames` frames at 10 per second named `clipName`, and a 1280×720 page. */
export async function startLabelingBrowser(clipName: string, frames: number): Promise<LabelingBrowser> {
  assert.ok(existsSync(join(WEB_ROOT, 'index.html')), 'the web app is built (npm run build)');
  const processes = new Processes();
  const env: TestEnv = await createTestEnv();
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await processes.killAll();
    await env.cleanup();
  };
  try {
    let server: Server;
    let clip: string;
    [clip, server, browser] = await Promise.all([
      makeVideo(join(env.dir, clipName), { seconds: frames / 10, fps: 10, width: 320, height: 240 }),
      processes.serve(env.env()),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
    ]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
    return { server, page, clip, dir: env.dir, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** With CAMTROVE_UPDATE_SCREENSHOTS=1 (`npm run screenshots`), the page as docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
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
