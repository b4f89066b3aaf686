// The answers of the REST routes the web app reads, as the OpenAPI document describes them (the
// fields it uses; operations.ts lists them, and a test checks them against the document).

export interface Page {
  next: string | null;
}

export interface LibraryFile {
  file_id: string;
  name: string;
  size: number;
  content_type: string;
  created_at: string;
}

export interface FilePage extends Page {
  files: LibraryFile[];
}

export interface FileUsage {
  file_id: string;
  name: string;
  /** alone: nothing uses it; cascade: its users go with it; refused: remedy says what to do first. */
  deletion: 'alone' | 'cascade' | 'refused';
  remedy: string | null;
  description: string;
}

export interface LibrarySummary {
  files: { count: number; bytes: number };
}

export type AnalysisState = 'PENDING' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELLED';

export interface Analysis {
  analysis_id: string;
  file_id: string | null;
  analysis: string;
  model: string | null;
  params: Record<string, unknown>;
  state: AnalysisState;
  progress: number;
  attempts: number;
  error: { code: string; message: string } | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface AnalysisPage extends Page {
  analyses: Analysis[];
}

export interface CameraHealth {
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  consecutive_failures: number;
  latency_ms: number | null;
  frames_saved: number;
  frames_skipped: number;
  bytes: number;
}

/** A camera as the registry answers it: addresses with their secrets as `***`, credentials never (only `auth`). */
export interface Camera {
  id: string;
  name: string | null;
  type: CameraType;
  url: string | null;
  snapshot_url: string | null;
  ip: string | null;
  port: number | null;
  image_path: string | null;
  video_path: string | null;
  mjpeg_url: string | null;
  m3u8_url: string | null;
  rtsp_url: string | null;
  auth: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  timezone: string | null;
  tags: string[];
  enabled: boolean;
  archive_interval: number | null;
  retention_days: number | null;
  retention_bytes: number | null;
  health?: CameraHealth | null;
}

export const CAMERA_TYPES = ['snapshot', 'ip', 'mjpeg', 'hls', 'rtsp', 'import'] as const;
export type CameraType = (typeof CAMERA_TYPES)[number];

export interface CameraPage extends Page {
  cameras: Camera[];
}

/** The filters of GET /api/cameras the cameras page offers. */
export interface CameraFilters {
  type?: string | undefined;
  tag?: string | undefined;
  enabled?: boolean | undefined;
  city?: string | undefined;
  country?: string | undefined;
}

/** What the settings form may change (PATCH /api/cameras/{id}); an address given back as shown keeps its secrets. */
export type CameraChanges = Partial<Omit<Camera, 'id' | 'type' | 'url' | 'auth' | 'health'>> & { username?: string | null; password?: string | null };

export interface Frame {
  frame_id: string;
  camera_id: string;
  file_id: string;
  captured_at: string;
  size: number;
  width: number | null;
  height: number | null;
  content_type: string;
  change_score: number;
}

export interface FramePage {
  frames: Frame[];
  next: string | null;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface EventLabel {
  name: string;
  score: number | null;
  source: string;
}

/** A motion event as a search lists it. */
export interface MotionEvent {
  id: string;
  camera_id: string | null;
  camera_name: string | null;
  media_id: string;
  start: number;
  end: number;
  duration: number;
  started_at: string | null;
  score: number;
  box: Box;
  direction: string | null;
  speed: number;
  colors: { name: string; hex: string; share: number }[];
  zones: string[];
  thumbnail_file_id: string | null;
  clip_file_id: string | null;
  labels: EventLabel[];
}

/** One event with its per-frame detail: what its view draws over the clip. */
export interface EventDetail extends MotionEvent {
  box_track: (Box & { t: number })[];
  objects: { id: number; start: number; end: number; boxes: (Box & { t: number })[] }[];
}

export interface EventPage extends Page {
  events: MotionEvent[];
}

export type ImportStatus = 'shards_missing' | 'processing' | 'complete' | 'complete_with_failures';

export interface ImportJob {
  job_id: string;
  created: string;
  item_count: number;
  shard_count: number;
  status: ImportStatus;
}

export type ShardStatus = 'missing' | 'stored' | 'processing' | 'complete' | 'failed';

export interface ShardSummary {
  item_count: number;
  status: ShardStatus;
  /** Files finished: segmented, or stored when the job does not segment. */
  done: number;
  failed: number;
}

/** One import job as GET /api/jobs/{id} answers it. */
export interface ImportJobDetail {
  job_id: string;
  created: string;
  updated: string;
  request: { item_count: number; cameras: string[]; earliest_date: string | null; latest_date: string | null; folders: string[]; segment: boolean; shard_size: number };
  /** Shard number ("0", "1", …) to its summary. */
  shard_map: Record<string, ShardSummary>;
  status: ImportStatus;
  counts: { item_count: number; done: number; failed: number };
  /** The first 100 failed files with their reasons. */
  errors: { path: string; reason: string }[];
}

export interface ImportJobPage extends Page {
  jobs: ImportJob[];
}

/** A label export job as POST /api/projects/{id}/exports and GET /api/exports/{id} answer it. */
export interface LabelExport {
  id: string;
  fmt: string;
  status: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';
  progress: { assetsDone: number; assetsTotal: number };
  error: { code: string; message: string } | null;
  download: string | null;
}
