// The REST calls of the labeling pages: projects, their assets, frames and labels (operations.ts lists them).
import type { AppendAnswer, Asset, JsonInterface, Label, Project } from '../../../src/sdk/types.js';
import type { CamtroveClient } from './client.js';

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
