/**
 * Kysely table types. Times are epoch milliseconds (bigint on PostgreSQL, integer on SQLite) so
 * that comparisons in the queue are plain numbers on both; JSON columns are text.
 */
export interface FilesTable {
  id: string;
  size: number;
  name: string;
  content_type: string;
  created_at: number;
}

export interface AnalysesTable {
  id: string;
  file_id: string | null;
  analysis: string;
  model: string | null;
  params: string;
  state: string;
  progress: number;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  cancel_requested: number;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

export interface TokensTable {
  id: string;
  name: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface MediaTable {
  id: string;
  camera_id: string | null;
  captured_at: number | null;
  duration: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  video_codec: string | null;
  latitude: number | null;
  longitude: number | null;
  /** VideoInfo as JSON. */
  info: string;
  created_at: number;
  updated_at: number;
}

export interface EventsTable {
  id: string;
  media_id: string;
  analysis_id: string | null;
  camera_id: string | null;
  start_s: number;
  end_s: number;
  started_at: number | null;
  ended_at: number | null;
  score: number;
  peak_motion: number;
  direction: string | null;
  thumbnail_file_id: string | null;
  clip_file_id: string | null;
  created_at: number;
  /** started_at, or created_at for media without a capture time: every event's place in time order. */
  at_ms: number;
  duration_s: number;
  direction_deg: number | null;
  speed: number;
  /** ",red,white,": the event's dominant colour names. */
  colors: string;
  /** ",gate,road,": the zones it touched. */
  zones: string;
  /** The union of its boxes, fractions of the frame (also in `data`; here for exports). */
  box_x: number;
  box_y: number;
  box_w: number;
  box_h: number;
  /** Its heatmap as bits (domain/events/heat-bits.ts). */
  heat0: number;
  heat1: number;
  heat2: number;
  heat3: number;
  heat4: number;
  heat5: number;
  heat6: number;
  heat7: number;
}

/** Everything else about an event (its track, trajectory, heatmap, colours with their shares) as JSON, apart from the rows searches scan. */
export interface EventDataTable {
  event_id: string;
  data: string;
}

export interface EventLabelsTable {
  event_id: string;
  name: string;
  score: number | null;
  /** Who put it there: "user", an analysis name, or an import hook. */
  source: string;
  created_at: number;
  /** The event's at_ms and camera (neither ever changes), so that a label's events can be read in time order, a camera's too. */
  at_ms: number;
  camera_id: string | null;
}

export interface CamerasTable {
  id: string;
  name: string | null;
  type: string;
  source_url: string;
  city: string | null;
  state: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  /** ",tag1,tag2," (see the migration). */
  tags: string;
  enabled: number;
  archive_interval: number | null;
  username: string | null;
  password: string | null;
  auth_scheme: string | null;
  /** The rest of the camera (addresses, provenance, retention…) as JSON. */
  data: string;
  created_at: number;
  updated_at: number;
}

export interface FramesTable {
  id: string;
  camera_id: string;
  /** Epoch microseconds, UTC. */
  captured_at_us: number;
  file_id: string;
  size: number;
  width: number | null;
  height: number | null;
  change_score: number;
  content_type: string;
  created_at: number;
}

export interface CameraHealthTable {
  camera_id: string;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_error: string | null;
  consecutive_failures: number;
  latency_ms: number | null;
  frames_saved: number;
  frames_skipped: number;
  failures: number;
  bytes: number;
  /** The process archiving the camera continuously, and until when its claim holds (epoch ms). */
  archiver: string | null;
  archiver_until: number | null;
  updated_at: number;
}

/** The library's own id (one row), made when its database was created. */
export interface LibraryIdentityTable {
  id: string;
  created_at: number;
}

/** A process archiving cameras continuously, present until `expires_at` (epoch ms) unless it renews. */
export interface ArchiversTable {
  owner: string;
  expires_at: number;
}

export interface ImportJobsTable {
  id: string;
  /** SHA-256 of the canonical request: the same import run again finds its job by it. */
  request_key: string;
  /** The request (folders, pattern, settings) as JSON. */
  request: string;
  segment: number;
  shard_size: number;
  item_count: number;
  created_at: number;
  updated_at: number;
}

export interface ImportItemsTable {
  job_id: string;
  seq: number;
  shard: number;
  path: string;
  /** SHA-256 of the path's bytes. */
  path_key: string;
  size: number;
  mtime_ms: number;
  camera_name: string | null;
  camera_id: string | null;
  captured_at: number | null;
  time_source: string | null;
  latitude: number | null;
  longitude: number | null;
  file_id: string | null;
  state: string;
  outcome: string | null;
  analysis_id: string | null;
  error: string | null;
  updated_at: number;
}

export interface LocksTable {
  name: string;
  holder: string;
  host: string;
  pid: number;
  purpose: string;
  acquired_at: number;
  expires_at: number;
}

/** A blob whose file row was deleted, until the blob is gone too (see FileService.finishBlobDeletions). */
export interface BlobDeletionsTable {
  file_id: string;
  requested_at: number;
}

/** A file an analysis stored as (part of) its result. */
export interface AnalysisOutputsTable {
  analysis_id: string;
  file_id: string;
}

export interface LabelProjectsTable {
  id: string;
  title: string;
  description: string;
  input_type: string;
  json_interface: string;
  created_at: number;
  updated_at: number;
}

export interface LabelAssetsTable {
  id: string;
  project_id: string;
  external_id: string;
  content: string;
  json_content: string | null;
  source_kind: string;
  file_id: string | null;
  event_id: string | null;
  range_start: number | null;
  range_end: number | null;
  json_metadata: string;
  processing_parameters: string | null;
  status: string;
  processing_state: string;
  error_code: string | null;
  error_message: string | null;
  batch_id: string;
  width: number | null;
  height: number | null;
  rotation: number | null;
  frame_count: number | null;
  fps: number | null;
  codec: string | null;
  start_time: number | null;
  duration: number | null;
  created_at_us: number;
  updated_at: number;
  preannotation: string | null;
}

export interface LabelAssetMetadataTable {
  asset_id: string;
  key: string;
  text_value: string | null;
  num_value: number | null;
}

export interface LabelAssetFramesTable {
  asset_id: string;
  idx: number;
  pts: number | null;
  source_idx: number | null;
  key_pts: number | null;
  width: number;
  height: number;
  file_id: string | null;
}

export interface LabelsTable {
  id: string;
  project_id: string;
  asset_id: string;
  label_type: string;
  author_id: string | null;
  model_name: string | null;
  seconds_to_label: number | null;
  asset_level: string | null;
  track_count: number;
  key_count: number;
  created_at_us: number;
}

export interface LabelTracksTable {
  label_id: string;
  ordinal: number;
  job: string;
  mid: string;
  kind: string;
  tool: string | null;
  categories: string;
  first_frame: number;
  last_frame: number;
}

export interface LabelKeysTable {
  label_id: string;
  track: number;
  frame: number;
  outside: number;
  value: string;
}

export interface LabelExportsTable {
  id: string;
  project_id: string;
  fmt: string;
  options: string;
  status: string;
  assets_done: number;
  assets_total: number;
  file_id: string | null;
  size_bytes: number | null;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  finished_at: number | null;
}

export interface Database {
  files: FilesTable;
  frames: FramesTable;
  camera_health: CameraHealthTable;
  archivers: ArchiversTable;
  library_identity: LibraryIdentityTable;
  cameras: CamerasTable;
  media: MediaTable;
  events: EventsTable;
  event_labels: EventLabelsTable;
  event_data: EventDataTable;
  analyses: AnalysesTable;
  jobs: JobsTable;
  tokens: TokensTable;
  import_jobs: ImportJobsTable;
  import_items: ImportItemsTable;
  locks: LocksTable;
  blob_deletions: BlobDeletionsTable;
  analysis_outputs: AnalysisOutputsTable;
  label_projects: LabelProjectsTable;
  label_assets: LabelAssetsTable;
  label_asset_metadata: LabelAssetMetadataTable;
  label_asset_frames: LabelAssetFramesTable;
  labels: LabelsTable;
  label_tracks: LabelTracksTable;
  label_keys: LabelKeysTable;
  label_exports: LabelExportsTable;
}
