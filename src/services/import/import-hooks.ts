import type { StagedBlob } from '../../adapters/blob/blob-store.js';
import { IMPORT_JOB_ID, type ImportRequest } from '../../domain/import/import-request.js';
import { CamtroveError } from '../../domain/errors.js';
import type { ImportTarget, ImportVideo, PostedVideo } from './import-target.js';

/** A file as a hook sees it, when it is posted. */
export interface HookVideo {
  cameraName: string;
  cameraId: string;
  /** The file's path (a name that is not valid UTF-8 shows U+FFFD for the bytes that are not). */
  path: string;
  /** The capture time the file name gives, ISO 8601 UTC; null when it gives none (camtrove then takes the video's own time, else the file's modification time). */
  timestamp: string | null;
  location: { lat: number; lng: number } | null;
  /** SHA-256 of the content, 64 lowercase hex: the file id in a camtrove library. */
  sha256: string;
  size: number;
  jobId: string;
  shard: number;
}

/** A file new to the import, before it is read, as `assignJobIds` sees it. */
export interface HookItem {
  path: string;
  cameraName: string | null;
  timestamp: string | null;
  location: { lat: number; lng: number } | null;
  size: number;
}

/** A job that received files in this run, as `registerJobs` sees it. */
export interface HookJob {
  jobId: string;
  /** Files in the job, all runs together. */
  itemCount: number;
  /** Shard number ("0", "1", …) to its file count. */
  shards: Record<string, number>;
  /** The files this run added. */
  items: (HookItem & { shard: number })[];
}

/** camtrove's own behaviour (the library), for hooks that extend it rather than replace it. */
export interface DefaultHooks {
  registerCamera(name: string): Promise<{ cameraId: string }>;
  /** Stores the file in the library, records it and queues its segmentation; true once done. */
  postVideoContent(video: HookVideo): Promise<boolean>;
  /** The job camtrove would use: the job of the same import run before, or a new one. */
  assignJobIds(items: HookItem[]): Promise<string>;
  registerJobs(jobs: HookJob[]): Promise<void>;
}

export interface ImportHookContext {
  /** What `--hook-data-json` or `--hook-data-json-file` gave (null without either), once setHookData accepted it. */
  hookData: unknown;
  request: Readonly<ImportRequest>;
  defaults: DefaultHooks;
  /** Prints a line on stderr, prefixed with the hook module's name. */
  log(message: string): void;
}

/**
 * What a hook module may export (every function optional; a missing one keeps camtrove's own).
 * See docs/import-hooks.md for the contract and a complete example.
 */
export interface ImportHooks {
  setHookData?(data: unknown, ctx: ImportHookContext): unknown;
  registerCamera?(name: string, ctx: ImportHookContext): Promise<{ cameraId: string }> | { cameraId: string };
  postVideoContent?(video: HookVideo, ctx: ImportHookContext): Promise<boolean> | boolean;
  assignJobIds?(items: HookItem[], ctx: ImportHookContext): Promise<string | undefined | void> | string | undefined | void;
  registerJobs?(jobs: HookJob[], ctx: ImportHookContext): Promise<void> | void;
}

const HOOK_NAMES = ['setHookData', 'registerCamera', 'postVideoContent', 'assignJobIds', 'registerJobs'] as const;

/** Checks what a hook module exports: known names must be functions, and it must export at least one. */
export function checkHookModule(exports: Record<string, unknown>, name: string): ImportHooks {
  const hooks: Record<string, unknown> = {};
  for (const hook of HOOK_NAMES) {
    const value = exports[hook] ?? (exports.default as Record<string, unknown> | undefined)?.[hook];
    if (value === undefined) continue;
    if (typeof value !== 'function') throw invalid(`the hook module ${name} exports ${hook}, but it is a ${typeof value}, not a function`);
    hooks[hook] = value;
  }
  if (Object.keys(hooks).length === 0) throw invalid(`the hook module ${name} exports none of ${HOOK_NAMES.join(', ')}`);
  return hooks;
}

/**
 * A run's hooks: the user's module where it has a function, camtrove's own (the library target)
 * everywhere else. It is the import target the importer posts to, and it decides job ids.
 */
export class HookedImport implements ImportTarget {
  private readonly context: ImportHookContext;

  constructor(
    private readonly hooks: ImportHooks,
    private readonly library: ImportTarget,
    private readonly options: { request: ImportRequest; hookData: unknown; moduleName: string | null; log: (line: string) => void; recordPosted: (video: ImportVideo, posted: Omit<PostedVideo, 'outcome' | 'analysisId'>) => Promise<PostedVideo> },
  ) {
    const defaults: DefaultHooks = {
      registerCamera: (name) => library.registerCamera(name),
      // Only reachable through postVideoContent below, which swaps in the file being posted.
      postVideoContent: () => Promise.reject(new Error('ctx.defaults.postVideoContent can only be called from postVideoContent, for the file it was given')),
      assignJobIds: () => Promise.reject(new Error('ctx.defaults.assignJobIds can only be called from assignJobIds')),
      registerJobs: () => Promise.resolve(),
    };
    this.context = { hookData: options.hookData, request: options.request, defaults, log: (message) => options.log(`${options.moduleName}: ${message}`) };
  }

  /** Gives the hook its data; a hook that rejects it stops the import before any work. */
  start(): Promise<void> {
    return giveHookData(this.hooks, this.context, this.options.moduleName);
  }

  async registerCamera(name: string): Promise<{ cameraId: string }> {
    if (!this.hooks.registerCamera) return this.library.registerCamera(name);
    const result = await this.hooks.registerCamera(name, this.context);
    if (!result || typeof result.cameraId !== 'string' || result.cameraId === '') throw new Error(`the hook's registerCamera("${name}") returned ${JSON.stringify(result)}, not {cameraId: "…"}`);
    return { cameraId: result.cameraId };
  }

  async postVideoContent(video: ImportVideo): Promise<PostedVideo> {
    if (!this.hooks.postVideoContent) return this.library.postVideoContent(video);
    let posted: PostedVideo | null = null;
    const context: ImportHookContext = {
      ...this.context,
      defaults: {
        ...this.context.defaults,
        postVideoContent: async () => {
          posted = await this.library.postVideoContent(video);
          return true;
        },
      },
    };
    const accepted = await this.hooks.postVideoContent(hookVideo(video), context);
    if (accepted !== true) throw new Error(`the hook's postVideoContent did not take the file (it returned ${JSON.stringify(accepted)})`);
    if (posted) return posted;
    // The hook sent the file elsewhere: the job still records it, with what the name and the file say.
    await video.unchanged();
    const capturedAt = video.timeFromName ?? Math.round(video.mtimeMs);
    return this.options.recordPosted(video, { capturedAt, timeSource: video.timeFromName !== null ? 'name' : 'mtime' });
  }

  stage(path: string | Buffer): StagedBlob | null {
    // A hook's own postVideoContent may never store the file: no copy ahead of it.
    return this.hooks.postVideoContent ? null : (this.library.stage?.(path) ?? null);
  }

  /** Segmentation of a file stored in the library earlier (files a hook sent elsewhere never come here). */
  segment(jobId: string, seq: number, fileId: string): Promise<string> {
    if (!this.library.segment) return Promise.reject(new Error('this import target does not segment'));
    return this.library.segment(jobId, seq, fileId);
  }

  /** The job this run's new files go to: the hook's choice, or camtrove's (`proposed`). */
  async assignJobId(items: HookItem[], proposed: string): Promise<string> {
    if (!this.hooks.assignJobIds) return proposed;
    const context = { ...this.context, defaults: { ...this.context.defaults, assignJobIds: () => Promise.resolve(proposed) } };
    const chosen = await this.hooks.assignJobIds(items, context);
    if (chosen === undefined || chosen === null) return proposed;
    if (typeof chosen !== 'string' || !IMPORT_JOB_ID.test(chosen)) throw invalid(`the hook's assignJobIds returned ${JSON.stringify(chosen)}; a job id is 1 to 64 letters, digits and . _ -, starting with a letter or digit`);
    return chosen;
  }

  async registerJobs(jobs: HookJob[]): Promise<void> {
    await this.hooks.registerJobs?.(jobs, this.context);
  }
}

/**
 * Hands hook data to the module's setHookData, which validates it (throwing refuses the import).
 * Without a hook module, hook data has nobody to read it and is refused too.
 */
export async function giveHookData(hooks: ImportHooks, context: ImportHookContext, moduleName: string | null): Promise<void> {
  if (moduleName === null) {
    if (context.hookData !== null) throw invalid('hook data was given (--hook-data-json or --hook-data-json-file) but no --hooks module reads it');
    return;
  }
  if (!hooks.setHookData) return;
  try {
    await hooks.setHookData(context.hookData, context);
  } catch (error) {
    throw invalid(`the hook module ${moduleName} rejected its hook data: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function hookVideo(video: ImportVideo): HookVideo {
  return {
    cameraName: video.cameraName,
    cameraId: video.cameraId,
    path: video.displayPath,
    timestamp: video.timeFromName === null ? null : new Date(video.timeFromName).toISOString(),
    location: video.latitude === null || video.longitude === null ? null : { lat: video.latitude, lng: video.longitude },
    sha256: video.sha256,
    size: video.size,
    jobId: video.jobId,
    shard: video.shard,
  };
}

function invalid(message: string): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_INVALID_IMPORT', message);
}
