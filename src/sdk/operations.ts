import { APPEND_FIELDS, APPEND_LABELS_FIELDS, EXPORT_FIELDS, LABEL_FIELDS, ASSET_FIELDS, BATCH_FIELDS, leaves, PROJECT_FIELDS, type AnswerShape, type DeletedAssets, type DeletedProject } from './types.js';

/**
 * Every REST operation the SDK calls, with the fields of the answer it reads. A test checks each
 * against the server's OpenAPI document, and that the SDK calls nothing else.
 */
export const SDK_OPERATIONS: readonly { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; path: string; answer: AnswerShape }[] = [
  { method: 'POST', path: '/api/projects', answer: leaves<{ id: string }>()(['id']) },
  { method: 'GET', path: '/api/projects', answer: { projects: PROJECT_FIELDS } },
  { method: 'GET', path: '/api/projects/count', answer: { count: null } },
  { method: 'PATCH', path: '/api/projects/{projectId}', answer: PROJECT_FIELDS },
  { method: 'DELETE', path: '/api/projects/{projectId}', answer: leaves<DeletedProject>()(['id', 'deletedAssets']) },
  { method: 'POST', path: '/api/projects/{projectId}/assets', answer: APPEND_FIELDS },
  { method: 'POST', path: '/api/projects/{projectId}/assets/from-events', answer: APPEND_FIELDS },
  { method: 'GET', path: '/api/projects/{projectId}/assets/batches/{batchId}', answer: BATCH_FIELDS },
  { method: 'GET', path: '/api/projects/{projectId}/assets', answer: { assets: ASSET_FIELDS } },
  { method: 'GET', path: '/api/projects/{projectId}/assets/count', answer: { count: null } },
  { method: 'PATCH', path: '/api/projects/{projectId}/assets', answer: { assets: { id: null } } },
  { method: 'DELETE', path: '/api/projects/{projectId}/assets', answer: leaves<DeletedAssets>()(['deleted', 'assetIds']) },
  { method: 'POST', path: '/api/projects/{projectId}/labels', answer: APPEND_LABELS_FIELDS },
  { method: 'POST', path: '/api/projects/{projectId}/labels/import', answer: { ...APPEND_LABELS_FIELDS, warnings: null } },
  { method: 'GET', path: '/api/projects/{projectId}/labels', answer: { labels: LABEL_FIELDS } },
  { method: 'GET', path: '/api/projects/{projectId}/labels/count', answer: { count: null } },
  { method: 'DELETE', path: '/api/projects/{projectId}/labels', answer: { deleted: null } },
  { method: 'DELETE', path: '/api/labels', answer: { deleted: null } },
  { method: 'POST', path: '/api/projects/{projectId}/exports', answer: EXPORT_FIELDS },
  { method: 'GET', path: '/api/exports/{exportId}', answer: EXPORT_FIELDS },
  { method: 'GET', path: '/api/exports/{exportId}/file', answer: {} },
  { method: 'POST', path: '/api/files', answer: { file_id: null } },
];
