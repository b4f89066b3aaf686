/**
 * An import hook module for `camtrove import --hooks examples/import-hooks/notify.ts`.
 *
 * It keeps camtrove's own behaviour (files go into the library, segmentation is queued) and adds:
 * - camera names from the files mapped to cameras already registered (`cameras` in the hook data),
 * - a JSON notification to a webhook for every file stored and for every job that got new files.
 *
 * Hook data (--hook-data-json or --hook-data-json-file):
 *   { "webhook": "http://127.0.0.1:8080/footage", "cameras": { "CAM7": "gate-north" }, "project": "survey-2026" }
 */

interface HookVideo {
  cameraName: string;
  cameraId: string;
  path: string;
  timestamp: string | null;
  location: { lat: number; lng: number } | null;
  sha256: string;
  size: number;
  jobId: string;
  shard: number;
}

interface HookJob {
  jobId: string;
  itemCount: number;
  shards: Record<string, number>;
  items: { path: string; cameraName: string | null; timestamp: string | null; size: number; shard: number }[];
}

interface Context {
  hookData: unknown;
  defaults: {
    registerCamera(name: string): Promise<{ cameraId: string }>;
    postVideoContent(video: HookVideo): Promise<boolean>;
  };
  log(message: string): void;
}

interface NotifyData {
  webhook: string;
  cameras: Record<string, string>;
  project: string | null;
}

let data: NotifyData;

/** Called once, before any work: throwing refuses the import with this message. */
export function setHookData(raw: unknown): void {
  if (typeof raw !== 'object' || raw === null) throw new Error('expected an object like {"webhook": "http://…"}');
  const { webhook, cameras = {}, project = null } = raw as Record<string, unknown>;
  if (typeof webhook !== 'string' || !/^https?:\/\//.test(webhook)) throw new Error('"webhook" must be an http(s) URL');
  if (typeof cameras !== 'object' || cameras === null || Object.values(cameras).some((id) => typeof id !== 'string')) throw new Error('"cameras" must map camera names to camera ids');
  if (project !== null && typeof project !== 'string') throw new Error('"project" must be a string');
  data = { webhook, cameras: cameras as Record<string, string>, project };
}

/** Files named after a mapped camera join that camera; the others get camtrove's own import camera. */
export async function registerCamera(name: string, ctx: Context): Promise<{ cameraId: string }> {
  const mapped = data.cameras[name];
  return mapped ? { cameraId: mapped } : ctx.defaults.registerCamera(name);
}

/** Stores the file as camtrove would, then tells the webhook. Returning false fails the file. */
export async function postVideoContent(video: HookVideo, ctx: Context): Promise<boolean> {
  if (!(await ctx.defaults.postVideoContent(video))) return false;
  await notify({ event: 'file', project: data.project, file_id: video.sha256, camera: video.cameraId, time: video.timestamp, path: video.path, job_id: video.jobId });
  ctx.log(`stored ${video.path}`);
  return true;
}

/** After new files are added to a job: one notification with the job's shards. */
export async function registerJobs(jobs: HookJob[]): Promise<void> {
  for (const job of jobs) await notify({ event: 'job', project: data.project, job_id: job.jobId, item_count: job.itemCount, shards: job.shards, new_files: job.items.length });
}

async function notify(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(data.webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  // Throwing fails this file; a run of the same import later tries it again.
  if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
}
