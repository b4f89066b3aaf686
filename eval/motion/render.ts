import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { backgroundCommand, VTEST_STAND_IN } from './backgrounds.js';
import { runProcess } from './process.js';
import { renderCommand } from './render-command.js';
import type { Background, Scenario } from './scenario.js';
import { movingSpans, truthEvents, type Span } from './truth.js';

export interface RenderOptions {
  /** Folder of rendered clips and backgrounds, reused across runs. */
  cacheDir: string;
  /** vtest.avi, or null when it is absent (its clips then use a synthetic texture). */
  vtest: string | null;
  /** Event gap of the truth, seconds. */
  gap: number;
}

export interface RenderedClip {
  scenario: Scenario;
  path: string;
  truthPath: string;
  truth: Span[];
  /** The background actually used (a stand-in when vtest.avi is absent). */
  background: Background;
  /** False when the clip came from the cache. */
  rendered: boolean;
}

/**
 * Renders `scenario` to `<cacheDir>/clips/<name>-<key>.mp4` unless that exists already, and writes
 * its truth beside it (`.truth.json`). The key hashes the ffmpeg command, so any change to the
 * scenario or to the way clips are rendered makes a new clip.
 */
export async function renderClip(scenario: Scenario, options: RenderOptions): Promise<RenderedClip> {
  const background = scenario.background === 'vtest' && !options.vtest ? VTEST_STAND_IN : scenario.background;
  const backgroundImage = await ensureBackground(background, options);
  const key = hashOf(renderCommand(scenario, basename(backgroundImage), 'OUTPUT'));
  const dir = join(options.cacheDir, 'clips');
  const path = join(dir, `${scenario.name}-${key}.mp4`);
  const truthPath = path.replace(/\.mp4$/, '.truth.json');
  const truth = truthEvents(scenario, options.gap);
  const rendered = !existsSync(path);
  if (rendered) {
    await mkdir(dir, { recursive: true });
    await produce(path, (partial) => renderCommand(scenario, backgroundImage, partial));
  }
  const objects = scenario.objects.map((object) => ({ ...object, moving: movingSpans(object, scenario.width, scenario.height).map(rounded) }));
  const record = { name: scenario.name, about: scenario.about, gap: options.gap, background, events: truth.map(rounded), objects, scenario };
  await writeFile(truthPath, `${JSON.stringify(record, null, 2)}\n`);
  return { scenario, path, truthPath, truth, background, rendered };
}

/** The still for `background`, made once into `<cacheDir>/backgrounds/`. */
async function ensureBackground(background: Background, options: RenderOptions): Promise<string> {
  const key = hashOf(backgroundCommand(background, options.vtest && basename(options.vtest), 'OUTPUT'));
  const dir = join(options.cacheDir, 'backgrounds');
  const path = join(dir, `${background}-${key}.png`);
  if (!existsSync(path)) {
    await mkdir(dir, { recursive: true });
    await produce(path, (partial) => backgroundCommand(background, options.vtest, partial));
  }
  return path;
}

/** Runs ffmpeg into a temporary name and renames it into place, so a cache never holds half a file. */
async function produce(path: string, command: (partialPath: string) => string[]): Promise<void> {
  const extension = path.slice(path.lastIndexOf('.'));
  const partial = `${path}.${process.pid}.partial${extension}`;
  try {
    await runProcess('ffmpeg', command(partial), { timeoutMs: 15 * 60_000 });
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
}

function hashOf(args: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 12);
}

function rounded(span: Span): Span {
  return { start: Math.round(span.start * 1000) / 1000, end: Math.round(span.end * 1000) / 1000 };
}
