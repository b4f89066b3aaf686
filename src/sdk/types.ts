/**
 * The shapes the SDK sends and receives: the REST API's JSON, with Kili's names. Each answer type has
 * a list of its fields beside it (`…_FIELDS`), checked against the type here and against the
 * server's OpenAPI document by a test, so the SDK cannot drift from the API.
 */

export type InputType = 'VIDEO' | 'IMAGE';

/** A JSON interface in Kili's shape: `{jobs: {JOB_NAME: {mlTask, content: {categories}, tools?…}}}`. */
export interface JsonInterface {
  jobs: Record<string, JobDefinition>;
}

export interface JobDefinition {
  mlTask: string;
  instruction?: string;
  required?: number | boolean;
  isChild?: boolean;
  isVisible?: boolean;
  content?: { categories?: Record<string, { name: string; children?: string[]; color?: string; shortcut?: string }>; input?: string };
  tools?: string[];
}

export interface Project {
  id: string;
  title: string;
  description: string;
  inputType: InputType;
  jsonInterface: JsonInterface;
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt: string;
  numberOfAssets: number;
}

/** How an asset is prepared; set in its `jsonMetadata.processingParameters`. */
export interface ProcessingParameters {
  /** Default true: label the video as a video. false: split it into frames labelled as images. */
  shouldUseNativeVideo?: boolean;
  /** Sample the video at this rate instead of its native one. */
  framesPlayedPerSecond?: number;
  shouldKeepNativeFrameRate?: boolean;
  /** Filled in by the server once measured. */
  numberOfFrames?: number;
  startTime?: number;
  [key: string]: unknown;
}

export type JsonMetadata = Record<string, unknown> & { processingParameters?: ProcessingParameters };

export type ProcessingState = 'PENDING' | 'READY' | 'FAILED';

export interface ApiErrorBody {
  code: string;
  message: string;
}

export interface Asset {
  id: string;
  projectId: string;
  externalId: string;
  content: string;
  jsonContent: string[] | null;
  jsonMetadata: JsonMetadata;
  createdAt: string;
  updatedAt: string;
  /** TODO without a DEFAULT or REVIEW label, LABELED with one, REVIEWED with a REVIEW label. */
  status: 'TODO' | 'LABELED' | 'REVIEWED';
  processing: { state: ProcessingState; error: ApiErrorBody | null };
  resolution: { width: number; height: number } | null;
  numberOfFrames: number | null;
  frameRate: number | null;
  codec: string | null;
  startTime: number | null;
  duration: number | null;
  rotation: number | null;
  /** Its labels, oldest first; their content with `labels({assetId})`. */
  labels: { id: string; labelType: LabelType; authorId: string | null; modelName: string | null; createdAt: string }[];
}

export type AssetField = keyof Asset;

/** An asset skipped by an import, and why. */
export interface SkippedAsset {
  externalId: string;
  reason: 'duplicate_in_request' | 'exists';
}

/** The answer of an import: `id` is the project's. */
export interface AppendResult {
  id: string;
  assetIds: string[];
  warnings: string[];
  skipped: SkippedAsset[];
  /** Follow the preparation of these assets with `GET /api/projects/{id}/assets/batches/{batchId}`; null when nothing was added. */
  batchId: string | null;
}

/** What `POST /api/projects/{id}/assets` (and `/from-events`) answers. */
export type AppendAnswer = AppendResult;

export interface BatchFailure {
  assetId: string;
  externalId: string;
  error: ApiErrorBody;
}

export interface BatchStatus {
  batchId: string;
  total: number;
  pending: number;
  ready: number;
  failed: BatchFailure[];
}

export interface DeletedProject {
  id: string;
  deletedAssets: number;
}

export interface DeletedAssets {
  deleted: number;
  assetIds: string[];
}

export type LabelType = 'DEFAULT' | 'AUTOSAVE' | 'REVIEW' | 'PREDICTION' | 'INFERENCE';

/**
 * Kili's jsonResponse of a video: frames "0"…"N-1" (each `{}` or its jobs' answers) and
 * `assetLevel` for whole-video answers; an image's is its jobs directly.
 */
export type JsonResponse = Record<string, unknown>;

export interface Label {
  id: string;
  projectId: string;
  assetId: string;
  /** The asset's external id. */
  externalId: string;
  labelType: LabelType;
  authorId: string | null;
  modelName: string | null;
  secondsToLabel: number | null;
  createdAt: string;
  isLatestLabelForUser: boolean;
  numberOfAnnotations: number;
  numberOfKeyFrames: number;
  /** Every frame, interpolated between key frames; present unless `fields` leaves it out. */
  jsonResponse?: JsonResponse;
}

export type LabelField = keyof Label;

export interface AppendLabelsResult {
  /** The new labels, in the order given. */
  labels: { id: string; assetId: string; externalId: string }[];
  /** Earlier labels replaced (`overwrite`). */
  replaced: number;
}

export type ExportFormat = 'kili' | 'cvat_video' | 'mot' | 'yolo_v8' | 'coco';

export interface LabelExport {
  id: string;
  projectId: string;
  fmt: ExportFormat;
  options: Record<string, unknown>;
  status: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';
  progress: { assetsDone: number; assetsTotal: number };
  /** The zip, a library file, once DONE. */
  fileId: string | null;
  sizeBytes: number | null;
  error: ApiErrorBody | null;
  createdAt: string;
  finishedAt: string | null;
  /** The path to download the zip from, once DONE. */
  download: string | null;
}

/** Where an answer's fields are checked: a field is a leaf (null) or an object with fields of its own (arrays: their items). */
export interface AnswerShape {
  [field: string]: AnswerShape | null;
}

/** A compile-time proof that a list names every key of T (and nothing else, by its element type). */
type Exhaustive<T, List extends readonly (keyof T)[]> = [Exclude<keyof T, List[number]>] extends [never] ? List : never;

/** The fields of T as an AnswerShape of leaves, refused at compile time unless the list names every key of T. */
export function leaves<T>() {
  return <const List extends readonly (keyof T & string)[]>(list: Exhaustive<T, List>): Record<List[number], null> => Object.fromEntries(list.map((field) => [field, null])) as Record<List[number], null>;
}

export const PROJECT_FIELDS = leaves<Project>()(['id', 'title', 'description', 'inputType', 'jsonInterface', 'createdAt', 'updatedAt', 'numberOfAssets']);

export const ASSET_FIELDS = {
  ...leaves<Asset>()(['id', 'projectId', 'externalId', 'content', 'jsonContent', 'jsonMetadata', 'createdAt', 'updatedAt', 'status', 'processing', 'resolution', 'numberOfFrames', 'frameRate', 'codec', 'startTime', 'duration', 'rotation', 'labels']),
  processing: leaves<Asset['processing']>()(['state', 'error']),
  resolution: leaves<NonNullable<Asset['resolution']>>()(['width', 'height']),
} satisfies AnswerShape;

export const LABEL_FIELDS = leaves<Label>()(['id', 'projectId', 'assetId', 'externalId', 'labelType', 'authorId', 'modelName', 'secondsToLabel', 'createdAt', 'isLatestLabelForUser', 'numberOfAnnotations', 'numberOfKeyFrames', 'jsonResponse']);

export const APPEND_LABELS_FIELDS = {
  ...leaves<AppendLabelsResult>()(['labels', 'replaced']),
  labels: leaves<AppendLabelsResult['labels'][number]>()(['id', 'assetId', 'externalId']),
} satisfies AnswerShape;

export const EXPORT_FIELDS = {
  ...leaves<LabelExport>()(['id', 'projectId', 'fmt', 'options', 'status', 'progress', 'fileId', 'sizeBytes', 'error', 'createdAt', 'finishedAt', 'download']),
  progress: leaves<LabelExport['progress']>()(['assetsDone', 'assetsTotal']),
} satisfies AnswerShape;

export const APPEND_FIELDS = {
  ...leaves<AppendAnswer>()(['id', 'assetIds', 'warnings', 'skipped', 'batchId']),
  skipped: leaves<SkippedAsset>()(['externalId', 'reason']),
} satisfies AnswerShape;

export const BATCH_FIELDS = {
  ...leaves<BatchStatus>()(['batchId', 'total', 'pending', 'ready', 'failed']),
  failed: { ...leaves<BatchFailure>()(['assetId', 'externalId', 'error']), error: leaves<ApiErrorBody>()(['code', 'message']) },
} satisfies AnswerShape;
