import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Clock } from '../../adapters/clock.js';
import type { AssetFilter, AssetFrameRecord, AssetRecord, LabelAssetRepository } from '../../adapters/db/label-asset.repository.js';
import type { JobQueue } from '../../adapters/queue/job-queue.js';
import type { LabelRecord, LabelRepository } from '../../adapters/db/label.repository.js';
import { CamtroveError } from '../../domain/errors.js';
import { newAnalysisId, notFoundError, resolveId } from '../../domain/ids.js';
import { parseMetadataWhere, updateMetadata, type MetadataUpdateMode } from '../../domain/labeling/asset-metadata.js';
import { planAssets, requestedExternalIds, type AssetRequestInput, type PlannedAsset } from '../../domain/labeling/asset-request.js';
import type { EventQueryInput } from '../../domain/events/event-query.js';
import type { JsonInterface } from '../../domain/labeling/json-interface.js';
import { predictionTarget, type PredictionTarget } from '../../domain/labeling/motion-predictions.js';
import type { EventView } from '../event.service.js';
import type { FileService } from '../file.service.js';
import type { AssetSourceResolver } from './asset-sources.js';
import { mapConcurrent } from './map-concurrent.js';
import type { AssetFrames } from './asset-frames.js';
import { page, type ProjectService } from './project.service.js';

/** The queue's job that prepares an asset (probes it, indexes its frames, cuts them when asked). */
export const PREPARE_ASSET_JOB = 'prepare-asset';

/** URLs fetched at once by one call. */
const FETCHES_AT_ONCE = 4;
/** Events read per page when a search fills a project. */
const EVENT_PAGE = 500;

export interface AppendResult {
  /** The project's id. */
  id: string;
  assetIds: string[];
  /** Follow the preparation of this call's assets with `batch` (null when nothing was added). */
  batchId: string | null;
  warnings: string[];
  skipped: { externalId: string; reason: 'duplicate_in_request' | 'exists' }[];
}

export interface AssetQuery extends AssetFilter {
  first?: number;
  skip?: number;
}

export interface AssetSelection {
  assetIds?: readonly string[] | undefined;
  externalIds?: readonly string[] | undefined;
}

export interface AssetServiceDeps {
  projects: ProjectService;
  assets: LabelAssetRepository;
  files: Pick<FileService, 'dropUnused'>;
  sources: AssetSourceResolver;
  events: { search(input: EventQueryInput & { after?: string; limit?: string }): Promise<{ events: EventView[]; next: string | null }> };
  frames: AssetFrames;
  queue: Pick<JobQueue, 'enqueue'>;
  labels: Pick<LabelRepository, 'ofAssets'>;
  clock: Clock;
  maxAttempts: number;
}

/**
 * The assets of labeling projects, with Kili's rules: what a call may add, how metadata changes,
 * how assets are found. Contents become library files first (stored once by content), then every
 * asset of a call is added in one transaction and prepared on the job queue.
 */
export class AssetService {
  constructor(private readonly deps: AssetServiceDeps) {}

  /** Adds the assets of one call (Kili's appendManyToDataset): all of them, or none. */
  async append(projectIdOrPrefix: string, input: AssetRequestInput): Promise<AppendResult> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    const existing = await this.deps.assets.existingExternalIds(project.id, requestedExternalIds(input));
    const plan = planAssets(input, existing, newAnalysisId);
    return this.add(project.id, plan.assets, plan);
  }

  /**
   * Every event an event search finds becomes an asset `event:<id>` (its media between the event's
   * start and end), its metadata the event's camera, times, score and labels. Events added before are
   * left out, so running the same search again adds only new events.
   */
  async appendEvents(projectIdOrPrefix: string, where: EventQueryInput, options: EventAssetOptions = {}): Promise<AppendResult> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    const targetOf = preannotationOf(project.jsonInterface as JsonInterface, options);
    const found: EventView[] = [];
    let after: string | null = null;
    do {
      const page: { events: EventView[]; next: string | null } = await this.deps.events.search({ ...where, limit: String(EVENT_PAGE), ...(after ? { after } : {}) });
      found.push(...page.events);
      after = page.next;
    } while (after);
    const externalIds = found.map((e) => `event:${e.id}`);
    const existing = await this.deps.assets.existingExternalIds(project.id, externalIds);
    const fresh = found.filter((e) => !existing.has(`event:${e.id}`));
    if (fresh.length === 0) return { id: project.id, assetIds: [], batchId: null, warnings: found.length > 0 ? [`all ${found.length} events found are in the project already`] : ['no event matches the search'], skipped: [] };
    const plan = planAssets(
      {
        contentArray: fresh.map((e) => `camtrove:event/${e.id}`),
        externalIdArray: fresh.map((e) => `event:${e.id}`),
        jsonMetadataArray: fresh.map(eventMetadata),
      },
      new Set(),
      newAnalysisId,
    );
    return this.add(project.id, plan.assets, { warnings: plan.warnings, skipped: [] }, (i) => targetOf(fresh[i]!));
  }

  private async add(projectId: string, planned: readonly PlannedAsset[], plan: Pick<AppendResult, 'warnings' | 'skipped'>, preannotation: (i: number) => PredictionTarget | null = () => null): Promise<AppendResult> {
    if (planned.length === 0) return { id: projectId, assetIds: [], batchId: null, warnings: plan.warnings, skipped: plan.skipped };
    const stop = new AbortController();
    const sources = await mapConcurrent(planned, FETCHES_AT_ONCE, (asset) => this.deps.sources.resolve(asset, stop.signal)).finally(() => stop.abort());
    const batchId = newAnalysisId();
    const now = this.deps.clock.now();
    const createdAt = this.deps.clock.nowMicros();
    const rows = planned.map((asset, i): { asset: AssetRecord; frameFileIds: readonly string[] } => {
      const source = sources[i]!;
      return {
        asset: {
          id: newAnalysisId(),
          projectId,
          externalId: asset.externalId,
          content: asset.content,
          jsonContent: asset.jsonContent,
          sourceKind: source.sourceKind,
          fileId: source.fileId,
          eventId: source.eventId,
          rangeStart: source.range?.start ?? null,
          rangeEnd: source.range?.end ?? null,
          jsonMetadata: asset.jsonMetadata,
          processingParameters: asset.processingParameters,
          preannotation: preannotation(i),
          status: 'TODO',
          processingState: 'PENDING',
          errorCode: null,
          errorMessage: null,
          batchId,
          width: null,
          height: null,
          rotation: null,
          frameCount: null,
          fps: null,
          codec: null,
          startTime: null,
          duration: null,
          // One microsecond apart: the call's order is the listing order.
          createdAtMicros: createdAt + i,
          updatedAt: now,
        },
        frameFileIds: source.frameFileIds,
      };
    });
    try {
      await this.deps.assets.insertMany(rows);
    } catch (error) {
      const clash = await this.deps.assets.existingExternalIds(projectId, planned.map((a) => a.externalId));
      if (clash.size > 0) throw new CamtroveError('CAMTROVE_ERR_INVALID_ASSETS', `external ids ${[...clash].slice(0, 20).join(', ')} were added to the project by another call meanwhile; nothing of this call was added`, { cause: error });
      throw error;
    }
    for (const { asset } of rows) await this.enqueuePreparation(asset);
    return { id: projectId, assetIds: rows.map((r) => r.asset.id), batchId, warnings: plan.warnings, skipped: plan.skipped };
  }

  /** Where the preparation of one call's assets stands. */
  async batch(projectIdOrPrefix: string, batchId: string) {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    const status = await this.deps.assets.batch(project.id, batchId);
    if (status.total === 0) throw new CamtroveError('CAMTROVE_ERR_ASSET_NOT_FOUND', `project ${project.id} has no assets added by batch ${batchId}`);
    return status;
  }

  /** The project's assets that pass the filter, in the order they were added. */
  async list(projectIdOrPrefix: string, query: AssetQuery & { metadataWhere?: unknown }): Promise<AssetRecord[]> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    return this.deps.assets.list(project.id, filterOf(query), page(query));
  }

  async count(projectIdOrPrefix: string, query: AssetFilter & { metadataWhere?: unknown }): Promise<number> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    return this.deps.assets.count(project.id, filterOf(query));
  }

  /** The asset with this id or unique prefix. */
  async get(idOrPrefix: string): Promise<AssetRecord> {
    const id = await resolveId('asset', idOrPrefix, { withPrefix: (prefix, limit) => this.deps.assets.idsWithPrefix(prefix, limit) });
    const asset = await this.deps.assets.get(id);
    if (!asset) throw notFoundError('asset', id);
    return asset;
  }

  /**
   * New metadata for assets named by id or external id, one object per asset (Kili's
   * updatePropertiesInAssets, addMetadata, setMetadata: see updateMetadata for each mode). An asset
   * whose processingParameters change is prepared again. Checked in full before anything changes.
   */
  async updateMetadata(projectIdOrPrefix: string, selection: AssetSelection, jsonMetadatas: unknown, mode: MetadataUpdateMode): Promise<AssetRecord[]> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    const assets = await this.select(project.id, selection);
    if (!Array.isArray(jsonMetadatas)) throw new CamtroveError('CAMTROVE_ERR_INVALID_METADATA', 'jsonMetadatas: expected an array with one metadata object per asset');
    if (jsonMetadatas.length !== assets.length) {
      throw new CamtroveError('CAMTROVE_ERR_INVALID_METADATA', `jsonMetadatas has ${jsonMetadatas.length} entries for ${assets.length} assets; give one per asset, in the same order`);
    }
    const updates = assets.map((asset, i) => {
      const next = updateMetadata(mode, { jsonMetadata: asset.jsonMetadata, processingParameters: asset.processingParameters }, jsonMetadatas[i], JSON.stringify(asset.externalId));
      return { id: asset.id, jsonMetadata: next.jsonMetadata, processingParameters: next.processingParameters, reprocess: next.processingChanged };
    });
    const now = this.deps.clock.now();
    await this.deps.assets.updateMetadata(updates, now);
    const changed = await this.deps.assets.find(project.id, { assetIds: assets.map((a) => a.id) });
    for (const asset of changed) if (updates.find((u) => u.id === asset.id)?.reprocess) await this.enqueuePreparation(asset);
    return orderLike(assets, changed);
  }

  /** Removes assets with their frames; the frames cut from their videos leave the library too. */
  async delete(projectIdOrPrefix: string, selection: AssetSelection): Promise<{ deleted: number; assetIds: string[] }> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    const assets = await this.select(project.id, selection);
    const ids = assets.map((a) => a.id);
    const { deleted, cutFrameFileIds } = await this.deps.assets.deleteMany(ids);
    await this.deps.files.dropUnused(cutFrameFileIds);
    return { deleted, assetIds: ids };
  }

  /** The labels of some assets, oldest first, by asset (what asset answers list). */
  labelsOf(assetIds: readonly string[]): Promise<Map<string, LabelRecord[]>> {
    return this.deps.labels.ofAssets(assetIds);
  }

  /** Every frame's size, by frame index (for reading pixel coordinates of other tools' files). */
  async frameSizes(assetId: string): Promise<{ width: number; height: number }[]> {
    const sizes: { width: number; height: number }[] = [];
    for (let skip = 0; ; skip += 10_000) {
      const rows = await this.deps.assets.frames(assetId, { first: 10_000, skip });
      for (const r of rows) sizes.push({ width: r.width, height: r.height });
      if (rows.length < 10_000) return sizes;
    }
  }

  /** A page of the asset's frame table. */
  async frames(idOrPrefix: string, query: { first?: number; skip?: number }): Promise<{ frames: AssetFrameRecord[]; total: number }> {
    const asset = this.ready(await this.get(idOrPrefix));
    const frames = await this.deps.assets.frames(asset.id, page(query, 1000));
    return { frames, total: asset.frameCount ?? 0 };
  }

  /** Frame k of the asset as an image. */
  async frameImage(idOrPrefix: string, index: number, format: 'jpeg' | 'png'): Promise<{ contentType: string; body: Buffer | Readable }> {
    const asset = this.ready(await this.get(idOrPrefix));
    const found = Number.isInteger(index) && index >= 0 ? await this.deps.assets.frame(asset.id, index) : null;
    if (!found) {
      throw new CamtroveError('CAMTROVE_ERR_ASSET_FRAME_NOT_FOUND', `asset ${JSON.stringify(asset.externalId)} has no frame ${index}: it has ${asset.frameCount ?? 0} frames, numbered from 0 to ${(asset.frameCount ?? 0) - 1}`);
    }
    return this.deps.frames.image(asset, found.frame, found.previousPts, format);
  }

  /** Puts the asset's preparation on the queue; the job id follows the asset's last change, so queueing it again is harmless. */
  async enqueuePreparation(asset: Pick<AssetRecord, 'id' | 'updatedAt'>): Promise<void> {
    const id = createHash('sha256').update(`${asset.id}:${asset.updatedAt}`).digest('hex').slice(0, 32);
    await this.deps.queue.enqueue({ id, name: PREPARE_ASSET_JOB, payload: { assetId: asset.id }, maxAttempts: this.deps.maxAttempts });
  }

  /** Queues again every asset left PENDING (a restart, a crash before its job was queued). */
  async resumePending(): Promise<number> {
    const ids = await this.deps.assets.pendingIds();
    for (const id of ids) {
      const asset = await this.deps.assets.get(id);
      if (asset) await this.enqueuePreparation(asset);
    }
    return ids.length;
  }

  /** The asset, if its frames are indexed; else an error saying why not. */
  ready(asset: AssetRecord): AssetRecord {
    if (asset.processingState === 'READY') return asset;
    if (asset.processingState === 'FAILED') throw new CamtroveError('CAMTROVE_ERR_ASSET_NOT_READY', `asset ${JSON.stringify(asset.externalId)} could not be prepared: ${asset.errorMessage ?? 'unknown error'}`);
    throw new CamtroveError('CAMTROVE_ERR_ASSET_NOT_READY', `asset ${JSON.stringify(asset.externalId)} is still being prepared; its frames are listed once it is READY`);
  }

  /** The assets named by id or by external id (not both), in the order named; any not found is an error naming it. */
  async select(projectId: string, selection: AssetSelection): Promise<AssetRecord[]> {
    const { assetIds, externalIds } = selection;
    if ((assetIds === undefined) === (externalIds === undefined)) {
      throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'name the assets either by assetIds or by externalIds (one of the two)');
    }
    const names = assetIds ?? externalIds ?? [];
    const found = await this.deps.assets.find(projectId, assetIds ? { assetIds } : { externalIds: names });
    const byName = new Map(found.map((a) => [assetIds ? a.id : a.externalId, a]));
    const missing = names.filter((n) => !byName.has(n));
    if (missing.length > 0) {
      throw new CamtroveError('CAMTROVE_ERR_ASSET_NOT_FOUND', `project ${projectId} has no asset with ${assetIds ? 'id' : 'external id'} ${missing.slice(0, 20).map((m) => JSON.stringify(m)).join(', ')}${missing.length > 20 ? ', …' : ''}`);
    }
    return [...new Set(names)].map((n) => byName.get(n)!);
  }
}

/** How assets made from events are pre-labelled with their motion. */
export interface EventAssetOptions {
  /** Default true: a PREDICTION label (model camtrove-motion) with one track per moving object. */
  preannotate?: boolean | undefined;
  /**
   * Event label → category key of the predictions' job (the project's first OBJECT_DETECTION job
   * with rectangles); `*` for events with none of the labels named. Default: the job's first category.
   */
  categoryMapping?: Record<string, string> | undefined;
}

/** Each event's prediction target, checked once for the whole call (an unknown category is refused before anything is added). */
function preannotationOf(jsonInterface: JsonInterface, options: EventAssetOptions): (event: EventView) => PredictionTarget | null {
  if (options.preannotate === false) return () => null;
  const mapping = options.categoryMapping ?? {};
  const targets = new Map<string, PredictionTarget | null>();
  for (const [label, category] of [...Object.entries(mapping), ['', undefined] as const]) {
    const target = predictionTarget(jsonInterface, category);
    if (target && 'problem' in target) throw new CamtroveError('CAMTROVE_ERR_INVALID_ASSETS', `categoryMapping["${label}"]: ${target.problem}`);
    targets.set(label, target);
  }
  return (event) => {
    const labels = eventLabelNames(event);
    const named = labels.find((l) => Object.hasOwn(mapping, l));
    return targets.get(named ?? (Object.hasOwn(mapping, '*') ? '*' : '')) ?? null;
  };
}

function eventLabelNames(event: EventView): string[] {
  return Array.isArray(event.labels) ? (event.labels as { name?: unknown }[]).map((l) => l.name).filter((n): n is string => typeof n === 'string') : [];
}

function filterOf(query: AssetFilter & { metadataWhere?: unknown }): AssetFilter {
  const filter: AssetFilter = {};
  if (query.assetIds) filter.assetIds = query.assetIds;
  if (query.externalIdIn) filter.externalIdIn = query.externalIdIn;
  if (query.externalIdStrictlyIn) filter.externalIdStrictlyIn = query.externalIdStrictlyIn;
  if (query.metadataWhere !== undefined) filter.metadata = parseMetadataWhere(query.metadataWhere);
  return filter;
}

function orderLike(order: readonly AssetRecord[], rows: readonly AssetRecord[]): AssetRecord[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return order.map((a) => byId.get(a.id) ?? a);
}

/** What an asset made from an event says about it, as metadata a search can filter on. */
function eventMetadata(event: EventView): Record<string, unknown> {
  const labels = eventLabelNames(event);
  return {
    eventId: event.id,
    cameraId: event.camera_id ?? null,
    cameraName: event.camera_name ?? null,
    mediaId: event.media_id ?? null,
    startedAt: event.started_at ?? null,
    endedAt: event.ended_at ?? null,
    start: event.start ?? null,
    end: event.end ?? null,
    score: event.score ?? null,
    labels,
  };
}
