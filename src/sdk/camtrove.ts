import { Connection, type Fetch, type QueryValues } from './connection.js';
import { assetLabel, checkAppendInput, checkMetadata, entryKind, type AppendInput, type ContentEntry } from './content.js';
import { BatchImportError, CamtroveApiError, MissingArgumentError } from './errors.js';
import { saveTo } from './download.js';
import { localFileSize, uploadLocal, type OnProgress } from './upload.js';
import type { AppendAnswer, AppendLabelsResult, AppendResult, Asset, AssetField, BatchStatus, DeletedAssets, DeletedProject, ExportFormat, InputType, JsonInterface, JsonResponse, Label, LabelExport, LabelField, LabelType, Project } from './types.js';

export interface CamtroveOptions {
  /** Default: env CAMTROVE_API_ENDPOINT, else http://127.0.0.1:8080. */
  apiEndpoint?: string;
  /** An API token (`camtrove token create`), sent as a bearer token. Default: env CAMTROVE_API_KEY. */
  apiKey?: string;
  /** The fetch to use (default: the global one). */
  fetch?: Fetch;
}

export interface AssetFilters {
  projectId: string;
  assetId?: string;
  /** Partial match: an asset whose externalId contains one of these. */
  externalIdIn?: readonly string[];
  /** Exact match. */
  externalIdStrictlyIn?: readonly string[];
  /** `{k: v}` equal, `{k: [v1, v2]}` any of (strings), `{k: [min, max]}` inclusive numeric range. */
  metadataWhere?: Record<string, unknown>;
}

export interface AssetsOptions<F extends AssetField = AssetField> extends AssetFilters {
  /** Only these fields of each asset. */
  fields?: readonly F[];
  /** At most this many assets (default: all of them, fetched 1000 at a time). */
  first?: number;
  skip?: number;
  /** true: an AsyncIterable that fetches page after page as it is read (for large projects). */
  asGenerator?: boolean;
}

/** Which assets a change names: by id or by externalId, one of the two. */
export type AssetSelection = { assetIds: readonly string[]; externalIds?: undefined } | { externalIds: readonly string[]; assetIds?: undefined };

export type MetadataUpdate = { projectId: string; jsonMetadatas: readonly Record<string, unknown>[] } & AssetSelection;

export interface AppendManyOptions extends AppendInput {
  projectId: string;
  /** Default true: resolve once every asset is prepared (probed, frames indexed); reject naming any that failed. */
  waitUntilAvailability?: boolean;
  /** Bytes uploaded of each local file. */
  onProgress?: OnProgress;
}

/** Which assets labels go to, position by position: by id or by external id, one of the two. */
export type LabelTargets = { assetIdArray: readonly string[]; assetExternalIdArray?: undefined } | { assetExternalIdArray: readonly string[]; assetIdArray?: undefined };

export type AppendLabelsOptions = {
  projectId: string;
  /** One per asset named: every frame ("0"…"N-1") or only the key frames. */
  jsonResponseArray: readonly JsonResponse[];
  /** Default DEFAULT. PREDICTION and INFERENCE need a modelName. */
  labelType?: LabelType;
  modelName?: string;
  /** Replace the labels of the same type (and model) on those assets. */
  overwrite?: boolean;
  authorIdArray?: readonly string[];
  secondsToLabelArray?: readonly number[];
} & LabelTargets;

export type CreatePredictionsOptions = Omit<AppendLabelsOptions, 'labelType' | 'authorIdArray' | 'secondsToLabelArray'> & { modelName: string };

export interface LabelsOptions<F extends LabelField = LabelField> {
  projectId: string;
  assetId?: string;
  assetExternalId?: string;
  labelTypeIn?: readonly LabelType[];
  /** Only these fields of each label (leave out jsonResponse for a quick list). */
  fields?: readonly F[];
  first?: number;
  skip?: number;
}

export interface ExportLabelsOptions {
  projectId: string;
  /** Where to write the zip (Node). Without it the zip's bytes are returned. */
  filename?: string;
  fmt: ExportFormat;
  externalIds?: readonly string[];
  /** Whose labels: the latest of these types on each asset (default DEFAULT and REVIEW; a REVIEW wins). */
  labelTypeIn?: readonly LabelType[];
  /** kili: one data.json instead of one file per asset. */
  singleFile?: boolean;
  /** kili: `split` (default) one file per asset, `merged` one data.json (like singleFile). */
  layout?: 'split' | 'merged';
  /** Default true: every frame a track shows; false: key frames only. */
  interpolate?: boolean;
  /** Leave out frames without annotations (yolo_v8, coco). */
  annotatedOnly?: boolean;
  /** yolo_v8, coco: the frames' images too (images/<name>.jpg). Default false. */
  withAssets?: boolean;
  /** The export's progress while it runs. */
  onProgress?: (exported: LabelExport) => void;
}

const PAGE = 1000;
/** Labels with their jsonResponse are fetched fewer at a time: a long video's is large. */
const LABEL_PAGE = 20;
const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';

/**
 * A client of a camtrove server's labeling API, with Kili's method and parameter names in camelCase.
 * Works in Node and in a browser bundle (local paths are read only in Node).
 */
export class Camtrove {
  private readonly connection: Connection;

  constructor(options: CamtroveOptions = {}) {
    const env = typeof process === 'undefined' ? {} : (process.env ?? {});
    if (!options.fetch && typeof globalThis.fetch !== 'function') throw new CamtroveApiError('CAMTROVE_ERR_CONFIG', 400, 'this runtime has no global fetch: give one as the fetch option');
    const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
    const apiKey = options.apiKey ?? env.CAMTROVE_API_KEY ?? null;
    this.connection = new Connection(options.apiEndpoint ?? env.CAMTROVE_API_ENDPOINT ?? DEFAULT_ENDPOINT, apiKey || null, fetchFn);
  }

  /** The server's base URL (without credentials). */
  get apiEndpoint(): string {
    return this.connection.endpoint;
  }

  async createProject(options: { title: string; description?: string; inputType: InputType; jsonInterface: JsonInterface }): Promise<{ id: string }> {
    for (const key of ['title', 'inputType', 'jsonInterface'] as const) {
      if (options[key] === undefined) throw new MissingArgumentError(`createProject needs ${key}`);
    }
    const { id } = await this.connection.json<{ id: string }>({ method: 'POST', path: '/api/projects', json: options });
    return { id };
  }

  /** Projects in creation order; every one unless `first` is given. */
  async projects(options: { projectId?: string; first?: number; skip?: number } = {}): Promise<Project[]> {
    if (options.projectId !== undefined) {
      return (await this.connection.json<{ projects: Project[] }>({ method: 'GET', path: '/api/projects', query: { projectId: options.projectId } })).projects;
    }
    const found: Project[] = [];
    for await (const project of this.pages<Project>('/api/projects', 'projects', {}, options.first, options.skip)) found.push(project);
    return found;
  }

  async countProjects(): Promise<number> {
    return (await this.connection.json<{ count: number }>({ method: 'GET', path: '/api/projects/count' })).count;
  }

  async updateProject(options: { projectId: string; title?: string; description?: string; jsonInterface?: JsonInterface }): Promise<Project> {
    const { projectId, ...changes } = options;
    return this.connection.json<Project>({ method: 'PATCH', path: projectPath(required(projectId, 'updateProject', 'projectId')), json: changes });
  }

  async deleteProject(projectId: string): Promise<DeletedProject> {
    return this.connection.json<DeletedProject>({ method: 'DELETE', path: projectPath(required(projectId, 'deleteProject', 'projectId')) });
  }

  /**
   * Adds assets: videos (contentArray: local paths, URLs, `camtrove:file/<id>`, `camtrove:event/<id>`)
   * or image lists played as one video (jsonContentArray). Local files are uploaded first, streamed.
   */
  async appendManyToDataset(options: AppendManyOptions): Promise<AppendResult> {
    const { projectId, waitUntilAvailability = true, onProgress, ...input } = options;
    required(projectId, 'appendManyToDataset', 'projectId');
    const count = checkAppendInput(input);
    if (count === 0) return { id: projectId, assetIds: [], warnings: [], skipped: [], batchId: null };
    await checkLocalFiles(input);
    const body = {
      ...(input.contentArray ? { contentArray: await this.uploaded(input.contentArray, input, onProgress) } : {}),
      ...(input.jsonContentArray ? { jsonContentArray: await Promise.all(input.jsonContentArray.map((images, i) => this.uploadedImages(images, assetLabel(input, i), onProgress))) } : {}),
      ...(input.externalIdArray ? { externalIdArray: input.externalIdArray } : {}),
      ...(input.jsonMetadataArray ? { jsonMetadataArray: input.jsonMetadataArray } : {}),
    };
    const answer = await this.connection.json<AppendAnswer>({ method: 'POST', path: `${projectPath(projectId)}/assets`, json: body });
    return this.settled(projectId, answer, waitUntilAvailability);
  }

  /** Every event matching an event search (the filters of GET /api/events) becomes an asset `event:<id>`; a re-run adds only new events. */
  async appendEventsToDataset(options: {
    projectId: string;
    where: Record<string, string | number | boolean | readonly string[]>;
    waitUntilAvailability?: boolean;
    /** Default true: each asset gets a PREDICTION label (camtrove-motion), a track per moving object. */
    preannotate?: boolean;
    /** Event label → category key of the predictions' job; `*` for the rest. Default: its first category. */
    categoryMapping?: Record<string, string>;
  }): Promise<AppendResult> {
    const { projectId, where, waitUntilAvailability = true, preannotate, categoryMapping } = options;
    const body = { where: where ?? {}, ...(preannotate !== undefined ? { preannotate } : {}), ...(categoryMapping ? { categoryMapping } : {}) };
    const answer = await this.connection.json<AppendAnswer>({ method: 'POST', path: `${projectPath(required(projectId, 'appendEventsToDataset', 'projectId'))}/assets/from-events`, json: body });
    return this.settled(projectId, answer, waitUntilAvailability);
  }

  /** A project's assets: all matching ones (fetched 1000 at a time) unless `first` is given; `asGenerator: true` yields them as they come. */
  assets<F extends AssetField = AssetField>(options: AssetsOptions<F> & { asGenerator: true }): AsyncIterable<Pick<Asset, F>>;
  assets<F extends AssetField = AssetField>(options: AssetsOptions<F> & { asGenerator?: false }): Promise<Pick<Asset, F>[]>;
  assets<F extends AssetField = AssetField>(options: AssetsOptions<F>): AsyncIterable<Pick<Asset, F>> | Promise<Pick<Asset, F>[]> {
    const { projectId, fields, first, skip, asGenerator } = options;
    const query = { ...filterQuery(options), fields: fields?.join(',') };
    const pages = this.pages<Pick<Asset, F>>(`${projectPath(required(projectId, 'assets', 'projectId'))}/assets`, 'assets', query, first, skip);
    if (asGenerator) return pages;
    return (async () => {
      const found: Pick<Asset, F>[] = [];
      for await (const asset of pages) found.push(asset);
      return found;
    })();
  }

  async countAssets(options: AssetFilters): Promise<number> {
    const path = `${projectPath(required(options.projectId, 'countAssets', 'projectId'))}/assets/count`;
    return (await this.connection.json<{ count: number }>({ method: 'GET', path, query: filterQuery(options) })).count;
  }

  /** Replaces each asset's metadata; `processingParameters` is kept when an update leaves it out. */
  updatePropertiesInAssets(options: MetadataUpdate): Promise<{ id: string }[]> {
    return this.updateMetadata('updatePropertiesInAssets', 'replace', options);
  }

  /** Merges keys into each asset's metadata. */
  addMetadata(options: MetadataUpdate): Promise<{ id: string }[]> {
    return this.updateMetadata('addMetadata', 'merge', options);
  }

  /** Replaces each asset's metadata but keeps text, imageUrl, url and processingParameters when left out. */
  setMetadata(options: MetadataUpdate): Promise<{ id: string }[]> {
    return this.updateMetadata('setMetadata', 'set', options);
  }

  async deleteManyFromDataset(options: { projectId: string } & AssetSelection): Promise<DeletedAssets> {
    const path = `${projectPath(required(options.projectId, 'deleteManyFromDataset', 'projectId'))}/assets`;
    return this.connection.json<DeletedAssets>({ method: 'DELETE', path, json: selection('deleteManyFromDataset', options) });
  }

  /** Adds one label per jsonResponse to the asset at the same position (Kili's appendLabels). */
  async appendLabels(options: AppendLabelsOptions): Promise<AppendLabelsResult> {
    const { projectId, ...body } = options;
    required(projectId, 'appendLabels', 'projectId');
    if (!Array.isArray(body.jsonResponseArray)) throw new MissingArgumentError('appendLabels needs jsonResponseArray, one per asset');
    if ((body.assetIdArray === undefined) === (body.assetExternalIdArray === undefined)) throw new MissingArgumentError('appendLabels takes assetIdArray or assetExternalIdArray (one of the two)');
    return this.connection.json<AppendLabelsResult>({ method: 'POST', path: `${projectPath(projectId)}/labels`, json: body });
  }

  /** Adds a model's predictions (PREDICTION labels); `overwrite` replaces that model's earlier ones on those assets. */
  async createPredictions(options: CreatePredictionsOptions): Promise<AppendLabelsResult> {
    required(options.modelName, 'createPredictions', 'modelName');
    return this.appendLabels({ ...options, labelType: 'PREDICTION' } as AppendLabelsOptions);
  }

  /** A project's labels, oldest first: all matching ones unless `first` is given. */
  async labels<F extends LabelField = LabelField>(options: LabelsOptions<F>): Promise<Pick<Label, F>[]> {
    const { projectId, fields, first, skip, ...filter } = options;
    const withJsonResponse = !fields || fields.includes('jsonResponse' as F);
    const query = { ...filter, labelTypeIn: filter.labelTypeIn ? [...filter.labelTypeIn] : undefined, withJsonResponse };
    const found: Pick<Label, F>[] = [];
    const path = `${projectPath(required(projectId, 'labels', 'projectId'))}/labels`;
    for await (const label of this.pages<Label>(path, 'labels', query, first, skip, withJsonResponse ? LABEL_PAGE : PAGE)) {
      found.push(fields ? (Object.fromEntries(fields.map((f) => [f, label[f]])) as Pick<Label, F>) : label);
    }
    return found;
  }

  async countLabels(options: Omit<LabelsOptions, 'fields' | 'first' | 'skip'>): Promise<number> {
    const { projectId, ...filter } = options;
    const query = { ...filter, labelTypeIn: filter.labelTypeIn ? [...filter.labelTypeIn] : undefined };
    return (await this.connection.json<{ count: number }>({ method: 'GET', path: `${projectPath(required(projectId, 'countLabels', 'projectId'))}/labels/count`, query })).count;
  }

  /** Deletes labels by id (of one project when projectId is given). */
  async deleteLabels(options: { ids: readonly string[]; projectId?: string }): Promise<{ deleted: number }> {
    if (!Array.isArray(options.ids) || options.ids.length === 0) throw new MissingArgumentError('deleteLabels needs ids, a non-empty list');
    const path = options.projectId !== undefined ? `${projectPath(options.projectId)}/labels` : '/api/labels';
    return this.connection.json<{ deleted: number }>({ method: 'DELETE', path, json: { ids: options.ids } });
  }

  /**
   * Adds one label from another tool's file: `fmt` cvat_video (CVAT for video 1.1 XML; key frames and
   * outside flags kept) or kili (a jsonResponse as JSON text).
   */
  async importLabels(options: { projectId: string; fmt: 'cvat_video' | 'kili'; content: string; assetId?: string; assetExternalId?: string; labelType?: LabelType; modelName?: string; overwrite?: boolean; authorId?: string }): Promise<AppendLabelsResult & { warnings: string[] }> {
    const { projectId, ...body } = options;
    required(projectId, 'importLabels', 'projectId');
    required(body.content, 'importLabels', 'content');
    return this.connection.json({ method: 'POST', path: `${projectPath(projectId)}/labels/import`, json: body });
  }

  /**
   * Exports the project's labels (kili, cvat_video, mot, yolo_v8, coco) as a zip: starts the export
   * job, follows it, then writes the zip to `filename` (Node), or returns its bytes without one.
   */
  async exportLabels(options: ExportLabelsOptions): Promise<{ export: LabelExport; filename: string | null; bytes: Uint8Array | null }> {
    const { projectId, filename, onProgress, fmt, ...rest } = options;
    required(projectId, 'exportLabels', 'projectId');
    required(fmt, 'exportLabels', 'fmt');
    let state = await this.connection.json<LabelExport>({ method: 'POST', path: `${projectPath(projectId)}/exports`, json: { fmt, ...rest } });
    for (let delay = 100; state.status !== 'DONE' && state.status !== 'FAILED'; delay = Math.min(delay * 2, 2000)) {
      onProgress?.(state);
      await new Promise((resolve) => setTimeout(resolve, delay));
      state = await this.connection.json<LabelExport>({ method: 'GET', path: `/api/exports/${encodeURIComponent(state.id)}` });
    }
    onProgress?.(state);
    if (state.status === 'FAILED') throw new CamtroveApiError(state.error?.code ?? 'CAMTROVE_ERR_INTERNAL', 500, `the export failed: ${state.error?.message ?? 'unknown error'}`);
    const response = await this.connection.download({ method: 'GET', path: `/api/exports/${encodeURIComponent(state.id)}/file` });
    if (filename === undefined) return { export: state, filename: null, bytes: new Uint8Array(await response.arrayBuffer()) };
    await saveTo(filename, response);
    return { export: state, filename, bytes: null };
  }

  private async updateMetadata(method: string, mode: 'replace' | 'merge' | 'set', options: MetadataUpdate): Promise<{ id: string }[]> {
    const path = `${projectPath(required(options.projectId, method, 'projectId'))}/assets`;
    const ids = selection(method, options);
    const named = ids.assetIds ?? ids.externalIds;
    if (!Array.isArray(options.jsonMetadatas)) throw new MissingArgumentError(`${method} needs jsonMetadatas, one per asset`);
    options.jsonMetadatas.forEach((metadata, i) => checkMetadata(metadata, `asset "${named[i] ?? `#${i + 1}`}"`));
    const { assets } = await this.connection.json<{ assets: { id: string }[] }>({ method: 'PATCH', path, json: { ...ids, jsonMetadatas: options.jsonMetadatas, mode } });
    return assets;
  }

  /** contentArray with each local file replaced by its upload's reference, a few uploads at once (small files are bound by round trips, not by the link). */
  private uploaded(contents: readonly ContentEntry[], input: AppendInput, onProgress?: OnProgress): Promise<string[]> {
    return inParallel(contents, UPLOADS_AT_ONCE, (entry, i) => (entryKind(entry) === 'local' ? uploadLocal(this.connection, entry, assetLabel(input, i), onProgress) : Promise.resolve(entry as string)));
  }

  private uploadedImages(images: readonly ContentEntry[], label: string, onProgress?: OnProgress): Promise<string[]> {
    return inParallel(images, UPLOADS_AT_ONCE, (image) => (entryKind(image) === 'local' ? uploadLocal(this.connection, image, label, onProgress) : Promise.resolve(image as string)));
  }

  /** The answer of an import, once its batch is prepared when asked to wait. */
  private async settled(projectId: string, answer: AppendAnswer, wait: boolean): Promise<AppendResult> {
    const result = { id: answer.id, assetIds: answer.assetIds, warnings: answer.warnings, skipped: answer.skipped ?? [], batchId: answer.batchId };
    if (!wait || answer.batchId === null || answer.assetIds.length === 0) return result;
    const batchPath = `${projectPath(projectId)}/assets/batches/${encodeURIComponent(answer.batchId)}`;
    // Short waits first (a few small videos are ready in a fraction of a second), then every 2 s.
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      const batch = await this.connection.json<BatchStatus>({ method: 'GET', path: batchPath });
      if (batch.pending === 0) {
        if (batch.failed.length > 0) throw new BatchImportError(batch.failed);
        return result;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** The items of a listing, page after page of PAGE, from `skip`, up to `first` of them (all when not given). */
  private async *pages<T>(path: string, key: string, query: QueryValues, first?: number, skip = 0, pageSize = PAGE): AsyncGenerator<T> {
    let remaining = first ?? Infinity;
    let offset = skip;
    while (remaining > 0) {
      const size = Math.min(pageSize, remaining);
      const page = (await this.connection.json<Record<string, T[]>>({ method: 'GET', path, query: { ...query, first: size, skip: offset } }))[key] ?? [];
      for (const item of page) yield item;
      if (page.length < size) return;
      remaining -= page.length;
      offset += page.length;
    }
  }
}

/** Every local path of a call exists and is a file, before the first is uploaded. */
async function checkLocalFiles(input: AppendInput): Promise<void> {
  const entries = input.contentArray?.map((entry, i) => [entry, i] as const) ?? input.jsonContentArray?.flatMap((images, i) => images.map((image) => [image, i] as const)) ?? [];
  for (const [entry, i] of entries) {
    if (typeof entry === 'string' && entryKind(entry) === 'local') await localFileSize(entry, assetLabel(input, i));
  }
}

function projectPath(projectId: string): string {
  return `/api/projects/${encodeURIComponent(projectId)}`;
}

function required<T>(value: T | undefined, method: string, name: string): T {
  if (value === undefined || value === null || value === '') throw new MissingArgumentError(`${method} needs ${name}`);
  return value;
}

/** assetIds or externalIds, exactly one of the two (Kili's MissingArgumentError otherwise). */
function selection(method: string, options: { assetIds?: readonly string[]; externalIds?: readonly string[] }): { assetIds: readonly string[]; externalIds?: undefined } | { externalIds: readonly string[]; assetIds?: undefined } {
  const { assetIds, externalIds } = options;
  if (assetIds !== undefined && externalIds !== undefined) throw new MissingArgumentError(`${method} takes assetIds or externalIds, not both`);
  if (assetIds !== undefined) return { assetIds };
  if (externalIds !== undefined) return { externalIds };
  throw new MissingArgumentError(`${method} needs assetIds or externalIds`);
}

function filterQuery(filters: AssetFilters): QueryValues {
  return {
    assetId: filters.assetId,
    externalIdIn: filters.externalIdIn,
    externalIdStrictlyIn: filters.externalIdStrictlyIn,
    metadataWhere: filters.metadataWhere === undefined ? undefined : JSON.stringify(filters.metadataWhere),
  };
}

/** Uploads of one call in flight at once. */
const UPLOADS_AT_ONCE = 4;

/** `work` over every item, at most `limit` at once, results in the items' order; the first failure stops new work and rejects. */
async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
