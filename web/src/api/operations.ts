import { leaves, type AnswerShape } from '../../../src/sdk/types.js';
import { APPEND_FIELDS, APPEND_LABELS_FIELDS, ASSET_FIELDS, LABEL_FIELDS, PROJECT_FIELDS } from '../../../src/sdk/types.js';
import type { Analysis, Box, Camera, CameraHealth, EventDetail, EventLabel, FileUsage, Frame, ImportJob, ImportJobDetail, LabelExport, LibraryFile, MotionEvent } from './types.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const BOX = leaves<Box>()(['x', 'y', 'w', 'h']);
const CAMERA = {
  ...leaves<Camera>()([
    'id', 'name', 'type', 'url', 'snapshot_url', 'ip', 'port', 'image_path', 'video_path', 'mjpeg_url', 'm3u8_url', 'rtsp_url', 'auth', 'city', 'state', 'country',
    'timezone', 'tags', 'enabled', 'archive_interval', 'retention_days', 'retention_bytes', 'health',
  ]),
  health: leaves<CameraHealth>()(['last_success_at', 'last_failure_at', 'last_error', 'consecutive_failures', 'latency_ms', 'frames_saved', 'frames_skipped', 'bytes']),
} satisfies AnswerShape;
const EVENT = {
  ...leaves<MotionEvent>()(['id', 'camera_id', 'camera_name', 'media_id', 'start', 'end', 'duration', 'started_at', 'score', 'box', 'direction', 'speed', 'colors', 'zones', 'thumbnail_file_id', 'clip_file_id', 'labels']),
  box: BOX,
  colors: leaves<MotionEvent['colors'][number]>()(['name', 'hex', 'share']),
  labels: leaves<EventLabel>()(['name', 'score', 'source']),
} satisfies AnswerShape;
const EVENT_DETAIL = {
  ...EVENT,
  ...leaves<Omit<EventDetail, keyof MotionEvent>>()(['box_track', 'objects']),
  box_track: { ...BOX, t: null },
  objects: { ...leaves<EventDetail['objects'][number]>()(['id', 'start', 'end', 'boxes']), boxes: { ...BOX, t: null } },
} satisfies AnswerShape;

const LABEL_EXPORT = {
  ...leaves<LabelExport>()(['id', 'fmt', 'status', 'progress', 'error', 'download']),
  progress: leaves<LabelExport['progress']>()(['assetsDone', 'assetsTotal']),
} satisfies AnswerShape;

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
  { method: 'GET', path: '/api/cameras', answer: { cameras: CAMERA, next: null } },
  { method: 'GET', path: '/api/cameras/{id}', answer: CAMERA },
  { method: 'PATCH', path: '/api/cameras/{id}', answer: CAMERA },
  { method: 'GET', path: '/api/cameras/{id}/frames', answer: { frames: leaves<Frame>()(['frame_id', 'camera_id', 'file_id', 'captured_at', 'size', 'width', 'height', 'content_type', 'change_score']), next: null } },
  { method: 'GET', path: '/api/events', answer: { events: EVENT, next: null } },
  { method: 'GET', path: '/api/events/{id}', answer: EVENT_DETAIL },
  { method: 'POST', path: '/api/events/{id}/labels', answer: EVENT_DETAIL },
  { method: 'DELETE', path: '/api/events/{id}/labels/{name}', answer: { removed: null } },
  { method: 'POST', path: '/api/events/labels', answer: { labelled: null } },
  { method: 'GET', path: '/api/events/export', answer: {} },
  { method: 'GET', path: '/api/jobs', answer: { jobs: leaves<ImportJob>()(['job_id', 'created', 'item_count', 'shard_count', 'status']), next: null } },
  {
    method: 'GET',
    path: '/api/jobs/{id}',
    answer: {
      // shard_map is keyed by shard number: a map, whose values the document describes without properties to check.
      ...leaves<ImportJobDetail>()(['job_id', 'created', 'updated', 'request', 'shard_map', 'status', 'counts', 'errors']),
      request: leaves<ImportJobDetail['request']>()(['item_count', 'cameras', 'earliest_date', 'latest_date', 'folders', 'segment', 'shard_size']),
      counts: leaves<ImportJobDetail['counts']>()(['item_count', 'done', 'failed']),
      errors: leaves<ImportJobDetail['errors'][number]>()(['path', 'reason']),
    },
  },
  // Labeling (api/labeling.ts).
  { method: 'GET', path: '/api/projects', answer: { projects: PROJECT_FIELDS } },
  { method: 'POST', path: '/api/projects', answer: { id: null } },
  { method: 'GET', path: '/api/projects/{id}', answer: PROJECT_FIELDS },
  { method: 'GET', path: '/api/projects/{id}/assets', answer: { assets: ASSET_FIELDS } },
  { method: 'POST', path: '/api/projects/{id}/assets', answer: APPEND_FIELDS },
  { method: 'POST', path: '/api/projects/{id}/assets/from-events', answer: APPEND_FIELDS },
  { method: 'POST', path: '/api/projects/{id}/exports', answer: LABEL_EXPORT },
  { method: 'GET', path: '/api/exports/{id}', answer: LABEL_EXPORT },
  { method: 'GET', path: '/api/exports/{id}/file', answer: {} },
  { method: 'GET', path: '/api/assets/{id}', answer: ASSET_FIELDS },
  { method: 'GET', path: '/api/assets/{id}/frames/{k}', answer: {} },
  { method: 'GET', path: '/api/projects/{id}/labels', answer: { labels: LABEL_FIELDS } },
  { method: 'GET', path: '/api/projects/{id}/labels/count', answer: { count: null } },
  { method: 'POST', path: '/api/projects/{id}/labels', answer: APPEND_LABELS_FIELDS },
  { method: 'GET', path: '/api/labels/{id}/json-response', answer: {} },
];
