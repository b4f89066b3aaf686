import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { CamtroveError } from '../domain/errors.js';
import { VIDEO_EXTENSIONS } from '../domain/labeling/asset-request.js';
import type { UploadProgress } from '../sdk/index.js';
import { progressBar } from './progress.js';

/** The flags of `assets add`. */
export interface AddFlags {
  externalId: string[];
  frames: string[];
  splitFrames?: boolean;
  fps?: string;
  metadata: string[];
  wait: boolean;
}

/** One `assets add` call, checked before anything is uploaded: the SDK's arrays. */
export interface AddPlan {
  contents: string[] | null;
  frameLists: string[][] | null;
  externalIds: string[] | null;
  metadata: Record<string, unknown>[] | null;
  /** The local files the SDK uploads, in order (a file named twice is sent twice). */
  locals: string[];
}

type Kind = 'url' | 'library' | 'local';

function kindOf(entry: string): Kind {
  if (/^https?:\/\//i.test(entry)) return 'url';
  if (/^camtrove:(file|event)\//.test(entry)) return 'library';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) throw invalid(`${entry} is neither a local file nor an http(s) URL`);
  return 'local';
}

const invalid = (message: string) => new CamtroveError('CAMTROVE_ERR_INVALID_ASSETS', message);

export async function planAdd(videos: string[], flags: AddFlags): Promise<AddPlan> {
  if (videos.length > 0 && flags.frames.length > 0) throw invalid('give videos or --frames lists, not both in one call (run assets add once for each)');
  if (videos.length === 0 && flags.frames.length === 0) throw invalid('nothing to add: give video files or URLs, or --frames a.jpg,b.jpg');
  const frameLists = await Promise.all(flags.frames.map(frameList));
  const entries = videos.length > 0 ? videos : frameLists.flat();
  const kinds = new Set(entries.map(kindOf));
  if (kinds.has('url') && kinds.size > 1) throw invalid('local files (or camtrove: references) and URLs cannot be mixed in one call: run assets add once for the files and once for the URLs');
  const locals = entries.filter((e) => kindOf(e) === 'local');
  await Promise.all([...new Set(locals)].map((path) => checkFile(path, videos.length > 0)));

  const assetCount = videos.length > 0 ? videos.length : frameLists.length;
  if (flags.externalId.length > 0 && flags.externalId.length !== assetCount) {
    throw invalid(`${flags.externalId.length} --external-id for ${assetCount} asset${assetCount === 1 ? '' : 's'}: give one per asset, in order, or none`);
  }
  return {
    contents: videos.length > 0 ? videos : null,
    frameLists: frameLists.length > 0 ? frameLists : null,
    externalIds: flags.externalId.length > 0 ? flags.externalId : null,
    metadata: metadataArray(flags, assetCount),
    locals,
  };
}

/** `--frames a.jpg,b.jpg` or `--frames @list.txt` (one image per line). */
async function frameList(value: string): Promise<string[]> {
  let items: string[];
  if (value.startsWith('@')) {
    const file = value.slice(1);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw invalid(`--frames ${value}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    items = text.split(/\r?\n/);
  } else items = value.split(',');
  const list = items.map((i) => i.trim()).filter((i) => i !== '');
  if (list.length === 0) throw invalid(`--frames ${JSON.stringify(value)} names no image`);
  return list;
}

async function checkFile(path: string, video: boolean): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error) {
    throw invalid(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (!isFile) throw invalid(`${path} is not a regular file`);
  const extension = extname(path).slice(1).toLowerCase();
  if (video && !(VIDEO_EXTENSIONS as readonly string[]).includes(extension)) {
    throw invalid(`${path} is not a video file: accepted types are ${VIDEO_EXTENSIONS.join(', ')} (for images, use --frames)`);
  }
}

/** Each asset's jsonMetadata: --metadata once for all, or once per asset; --split-frames and --fps go into its processingParameters. */
function metadataArray(flags: AddFlags, assetCount: number): Record<string, unknown>[] | null {
  if (flags.metadata.length > 1 && flags.metadata.length !== assetCount) {
    throw new CamtroveError('CAMTROVE_ERR_INVALID_METADATA', `${flags.metadata.length} --metadata for ${assetCount} assets: give one for all, or one per asset in order`);
  }
  const parsed = flags.metadata.map((text, i) => jsonObject(text, flags.metadata.length > 1 ? `--metadata number ${i + 1}` : '--metadata', 'CAMTROVE_ERR_INVALID_METADATA'));
  const processing: Record<string, unknown> = {
    ...(flags.splitFrames ? { shouldUseNativeVideo: false } : {}),
    ...(flags.fps !== undefined ? { framesPlayedPerSecond: framesPerSecond(flags.fps), shouldKeepNativeFrameRate: false } : {}),
  };
  if (parsed.length === 0 && Object.keys(processing).length === 0) return null;
  return Array.from({ length: assetCount }, (_, i) => {
    const metadata = parsed.length === 0 ? {} : (parsed[parsed.length === 1 ? 0 : i] ?? {});
    if (Object.keys(processing).length === 0) return metadata;
    const given = metadata.processingParameters;
    const base = typeof given === 'object' && given !== null && !Array.isArray(given) ? given : {};
    return { ...metadata, processingParameters: { ...base, ...processing } };
  });
}

/** A JSON object given on the command line; anything else is one line naming the flag. */
export function jsonObject(text: string, flag: string, code: 'CAMTROVE_ERR_INVALID_QUERY' | 'CAMTROVE_ERR_INVALID_METADATA'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CamtroveError(code, `${flag} ${JSON.stringify(text)} is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CamtroveError(code, `${flag} ${JSON.stringify(text)} is not a JSON object such as {"site": "north"}`);
  return value as Record<string, unknown>;
}

function framesPerSecond(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw invalid(`--fps ${JSON.stringify(text)} is not a positive number of frames per second`);
  return n;
}

/** One progress bar over the bytes of every local file the SDK uploads (one after the other); null when there is none. */
export async function uploadProgress(paths: readonly string[]): Promise<{ onProgress: (progress: UploadProgress) => void; stop(): void } | null> {
  if (paths.length === 0) return null;
  const total = (await Promise.all(paths.map(async (p) => (await stat(p)).size))).reduce((a, b) => a + b, 0);
  const bar = progressBar(paths.length === 1 ? `uploading ${basename(paths[0]!)}` : `uploading ${paths.length} files`, total, 'bytes');
  let done = 0;
  let file = '';
  let sent = 0;
  return {
    onProgress: (progress) => {
      // Another file, or the same one again (in a second frame list): the previous upload is done.
      if (progress.file !== file || progress.bytesUploaded < sent) {
        done += sent;
        file = progress.file;
      }
      sent = progress.bytesUploaded;
      bar.update(Math.min(done + sent, total));
    },
    stop: () => bar.stop(),
  };
}
