// The REST calls of the labeling pages: projects, their assets, frames and labels (operations.ts lists them).
import type { AppendAnswer, Asset, JsonInterface, Label, Project } from '../../../src/sdk/types.js';
import type { QueryValues } from '../../../src/sdk/connection.js';
import type { CamtroveClient } from './client.js';
import type { LabelExport } from './types.js';

/** The largest page GET /api/events gives. */
const EVENT_PAGE_LIMIT = 1000;

const enc = encodeURIComponent;

export function projects(client: CamtroveClient): Promise<{ projects: Project[] }> {
  return client.connection.json({ method: 'GET', path: '/api/projects', query: { first: 1000 } });
}

export function project(client: CamtroveClient, projectId: string): Promise<Project> {
  return client.connection.json({ method: 'GET', path: `/api/projects/${enc(projectId)}` });
}

export function createProject(client: CamtroveClient, body: { title: string; description: string; jsonInterface: JsonInterface }): Promise<{ id: string }> {
  return client.connection.json({ method: 'POST', path: '/api/projects', json: { ...body, inputType: 'VIDEO' } });
}

export function assets(client: CamtroveClient, projectId: string): Promise<{ assets: Asset[] }> {
  return client.connection.json({ method: 'GET', path: `/api/projects/${enc(projectId)}/assets`, query: { first: 1000 } });
}

export function asset(client: CamtroveClient, assetId: string): Promise<Asset> {
  return client.connection.json({ method: 'GET', path: `/api/assets/${enc(assetId)}` });
}

/** Adds library files (uploaded first) as the project's assets, named by their file names. */
export function addAssets(client: CamtroveClient, projectId: string, files: readonly { fileId: string; externalId: string }[]): Promise<AppendAnswer> {
  const json = { contentArray: files.map((f) => `camtrove:file/${f.fileId}`), externalIdArray: files.map((f) => f.externalId) };
  return client.connection.json({ method: 'POST', path: `/api/projects/${enc(projectId)}/assets`, json });
}

/** The asset's newest label of these types, with its jsonResponse; null without one (labels list oldest first). */
export async function latestLabel(client: CamtroveClient, projectId: string, assetId: string, labelTypes: readonly Label['labelType'][]): Promise<Label | null> {
  const path = `/api/projects/${enc(projectId)}/labels`;
  const filter = { assetId, labelTypeIn: labelTypes };
  const { count } = await client.connection.json<{ count: number }>({ method: 'GET', path: `${path}/count`, query: filter });
  if (count === 0) return null;
  const { labels } = await client.connection.json<{ labels: Label[] }>({ method: 'GET', path, query: { ...filter, withJsonResponse: true, skip: count - 1, first: 1 } });
  return labels[0] ?? null;
}

/** A model's newest predictions on an asset (a PREDICTION label). */
export interface Prediction {
  modelName: string;
  createdAt: string;
  jsonResponse: Record<string, unknown>;
}

/** The newest PREDICTION label of each model on the asset, oldest model first; each read on its own, as long videos' are large. */
export async function latestPredictions(client: CamtroveClient, projectId: string, assetId: string): Promise<Prediction[]> {
  const { labels } = await client.connection.json<{ labels: Label[] }>({ method: 'GET', path: `/api/projects/${enc(projectId)}/labels`, query: { assetId, labelTypeIn: ['PREDICTION'], first: 1000 } });
  const newest = new Map<string, Label>();
  for (const label of labels) newest.set(label.modelName ?? '', label);
  return Promise.all(
    [...newest.values()].map(async (label) => ({
      modelName: label.modelName ?? 'model',
      createdAt: label.createdAt,
      jsonResponse: await client.connection.json<Record<string, unknown>>({ method: 'GET', path: `/api/labels/${enc(label.id)}/json-response` }),
    })),
  );
}

/** Saves the asset's label; an AUTOSAVE replaces the asset's earlier autosave rather than piling up. */
export function saveLabel(client: CamtroveClient, projectId: string, assetId: string, jsonResponse: object, labelType: Label['labelType'], secondsToLabel: number): Promise<{ labels: { id: string }[] }> {
  const json = { assetIdArray: [assetId], jsonResponseArray: [jsonResponse], labelType, secondsToLabelArray: [secondsToLabel], overwrite: labelType === 'AUTOSAVE' };
  return client.connection.json({ method: 'POST', path: `/api/projects/${enc(projectId)}/labels`, json });
}

/** Frame k of the asset as a decoded image, ready to draw. */
export async function frameImage(client: CamtroveClient, assetId: string, frame: number): Promise<ImageBitmap> {
  const response = await client.connection.download({ method: 'GET', path: `/api/assets/${enc(assetId)}/frames/${frame}` });
  return createImageBitmap(await response.blob());
}

/** Adds videos by URL (the server fetches them) under these external ids. */
export function addUrlAssets(client: CamtroveClient, projectId: string, assets: readonly { url: string; externalId: string }[]): Promise<AppendAnswer> {
  const json = { contentArray: assets.map((a) => a.url), externalIdArray: assets.map((a) => a.externalId) };
  return client.connection.json({ method: 'POST', path: `/api/projects/${enc(projectId)}/assets`, json });
}

/** Adds every event an event search matches (its filters, as GET /api/events takes them), each as an asset. */
export function addEventAssets(client: CamtroveClient, projectId: string, where: QueryValues): Promise<AppendAnswer> {
  return client.connection.json({ method: 'POST', path: `/api/projects/${enc(projectId)}/assets/from-events`, json: { where } });
}

/** The ids of every event a search matches, read a page at a time. */
export async function matchingEventIds(client: CamtroveClient, where: QueryValues): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await client.events(where, { limit: EVENT_PAGE_LIMIT, after });
    ids.push(...page.events.map((e) => e.id));
    after = page.next ?? undefined;
  } while (after);
  return ids;
}

export type ExportFormat = (typeof LABEL_EXPORT_FORMATS)[number]['format'];

/** The formats of POST /api/projects/{id}/exports. */
export const LABEL_EXPORT_FORMATS = [
  { format: 'kili', title: 'Kili JSON' },
  { format: 'cvat_video', title: 'CVAT for video' },
  { format: 'mot', title: 'MOTChallenge' },
  { format: 'yolo_v8', title: 'YOLOv8' },
  { format: 'coco', title: 'COCO' },
] as const;

export function startExport(client: CamtroveClient, projectId: string, format: ExportFormat): Promise<LabelExport> {
  return client.connection.json({ method: 'POST', path: `/api/projects/${enc(projectId)}/exports`, json: { fmt: format } });
}

export function labelExport(client: CamtroveClient, exportId: string): Promise<LabelExport> {
  return client.connection.json({ method: 'GET', path: `/api/exports/${enc(exportId)}` });
}

/** A finished export's zip, fetched with the session's token. */
export async function exportZip(client: CamtroveClient, exportId: string): Promise<Blob> {
  return (await client.connection.download({ method: 'GET', path: `/api/exports/${enc(exportId)}/file` })).blob();
}
