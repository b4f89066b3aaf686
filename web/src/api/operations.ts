import { leaves, type AnswerShape } from '../../../src/sdk/types.js';
import { APPEND_FIELDS, APPEND_LABELS_FIELDS, ASSET_FIELDS, LABEL_FIELDS, PROJECT_FIELDS } from '../../../src/sdk/types.js';
import type { Analysis, Camera, FileUsage, ImportJob, LibraryFile } from './types.js';

type Method = 'GET' | 'POST' | 'DELETE';

/**
 * Every REST operation the web app calls, with the fields of the answer it reads: a test checks each
 * against the server's OpenAPI document, so the app uses only documented routes.
 */
export const WEB_OPERATIONS: readonly { method: Method; path: string; answer: AnswerShape }[] = [
  { method: 'GET', path: '/api/library', answer: { files: { count: null, bytes: null } } },
  { method: 'GET', path: '/api/files', answer: { files: leaves<LibraryFile>()(['file_id', 'name', 'size', 'content_type', 'created_at']), next: null } },
  { method: 'POST', path: '/api/files', answer: { file_id: null } },
  { method: 'GET', path: '/api/files/{id}', answer: {} },
  { method: 'GET', path: '/api/files/{id}/usage', answer: leaves<FileUsage>()(['file_id', 'name', 'deletion', 'remedy', 'description']) },
  { method: 'DELETE', path: '/api/files/{id}', answer: { file_id: null, deleted: null } },
  {
    method: 'GET',
    path: '/api/analyses',
    answer: { analyses: leaves<Analysis>()(['analysis_id', 'file_id', 'analysis', 'model', 'params', 'state', 'progress', 'attempts', 'error', 'created_at', 'started_at', 'finished_at']), next: null },
  },
  { method: 'POST', path: '/api/analyses', answer: { analysis_id: null } },
  { method: 'DELETE', path: '/api/analyses/{id}', answer: { analysis_id: null, state: null } },
  { method: 'GET', path: '/api/cameras', answer: { cameras: { ...leaves<Camera>()(['id', 'name', 'enabled', 'health']), health: { consecutive_failures: null, last_success_at: null, last_error: null } }, next: null } },
  { method: 'GET', path: '/api/events', answer: { events: { id: null }, next: null } },
  { method: 'GET', path: '/api/jobs', answer: { jobs: leaves<ImportJob>()(['job_id', 'created', 'item_count', 'status']), next: null } },
  // Labeling (api/labeling.ts).
  { method: 'GET', path: '/api/projects', answer: { projects: PROJECT_FIELDS } },
  { method: 'POST', path: '/api/projects', answer: { id: null } },
  { method: 'GET', path: '/api/projects/{id}', answer: PROJECT_FIELDS },
  { method: 'GET', path: '/api/projects/{id}/assets', answer: { assets: ASSET_FIELDS } },
  { method: 'POST', path: '/api/projects/{id}/assets', answer: APPEND_FIELDS },
  { method: 'GET', path: '/api/assets/{id}', answer: ASSET_FIELDS },
  { method: 'GET', path: '/api/assets/{id}/frames/{k}', answer: {} },
  { method: 'GET', path: '/api/projects/{id}/labels', answer: { labels: LABEL_FIELDS } },
  { method: 'GET', path: '/api/projects/{id}/labels/count', answer: { count: null } },
  { method: 'POST', path: '/api/projects/{id}/labels', answer: APPEND_LABELS_FIELDS },
];
