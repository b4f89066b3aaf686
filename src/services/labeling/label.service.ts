import type { Clock } from '../../adapters/clock.js';
import type { AssetRecord } from '../../adapters/db/label-asset.repository.js';
import type { LabelRecord, LabelRepository, Replaces, StoredTrack } from '../../adapters/db/label.repository.js';
import { CamtroveError } from '../../domain/errors.js';
import { newAnalysisId, notFoundError, resolveId } from '../../domain/ids.js';
import type { JsonInterface } from '../../domain/labeling/json-interface.js';
import { readJsonResponse } from '../../domain/labeling/json-response-read.js';
import { exportClasses } from '../../domain/labeling/exports/classes.js';
import { parseCvatVideo } from '../../domain/labeling/exports/cvat-video-import.js';
import { checkTracks } from '../../domain/labeling/track-check.js';
import { jsonResponseText, renderJsonResponse, type LabelSource } from '../../domain/labeling/json-response-write.js';
import { LABEL_TYPES, type LabelType } from '../../domain/labeling/label-model.js';
import type { AssetService } from './asset.service.js';
import { page, type ProjectService } from './project.service.js';

export interface AppendLabelsInput {
  assetIdArray?: string[] | undefined;
  assetExternalIdArray?: string[] | undefined;
  jsonResponseArray?: unknown;
  labelType?: string | undefined;
  modelName?: string | undefined;
  overwrite?: boolean | undefined;
  authorIdArray?: string[] | undefined;
  secondsToLabelArray?: number[] | undefined;
}

export interface ImportLabelInput {
  fmt: string;
  assetId?: string | undefined;
  assetExternalId?: string | undefined;
  /** The file's text: CVAT XML, or a jsonResponse. */
  content: string;
  labelType?: string | undefined;
  modelName?: string | undefined;
  overwrite?: boolean | undefined;
  authorId?: string | undefined;
}

function labelOptions(input: ImportLabelInput): Omit<AppendLabelsInput, 'jsonResponseArray' | 'assetIdArray' | 'assetExternalIdArray'> {
  return {
    ...(input.labelType !== undefined ? { labelType: input.labelType } : {}),
    ...(input.modelName !== undefined ? { modelName: input.modelName } : {}),
    ...(input.overwrite !== undefined ? { overwrite: input.overwrite } : {}),
    ...(input.authorId !== undefined ? { authorIdArray: [input.authorId] } : {}),
  };
}

export interface LabelQuery {
  assetId?: string | undefined;
  assetExternalId?: string | undefined;
  labelTypeIn?: readonly string[] | undefined;
  first?: number | undefined;
  skip?: number | undefined;
}

export interface LabelView extends LabelRecord {
  externalId: string;
  /** The latest DEFAULT or REVIEW label of its author on its asset. */
  isLatestLabelForUser: boolean;
}

/** Labels of a project's assets: Kili's appendLabels, createPredictions, labels and deleteLabels. */
export class LabelService {
  constructor(
    private readonly deps: {
      projects: ProjectService;
      assets: AssetService;
      labels: LabelRepository;
      clock: Clock;
    },
  ) {}

  /**
   * Adds one label per entry of jsonResponseArray, to the asset at the same position. Every label is
   * checked against the interface and its asset's frames first; then all are stored in one
   * transaction. `overwrite` replaces the labels of the same type (and model) on those assets.
   */
  async append(projectIdOrPrefix: string, input: AppendLabelsInput): Promise<{ labels: { id: string; assetId: string; externalId: string }[]; replaced: number }> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    const labelType = labelTypeOf(input.labelType ?? 'DEFAULT');
    const modelName = input.modelName ?? null;
    if ((labelType === 'PREDICTION' || labelType === 'INFERENCE') && modelName === null) {
      throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `a ${labelType} label needs a modelName (the model that made it)`);
    }
    if (!Array.isArray(input.jsonResponseArray)) throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', 'jsonResponseArray: expected an array with one jsonResponse per asset');
    const responses = input.jsonResponseArray;
    const byId = input.assetIdArray !== undefined;
    if (byId === (input.assetExternalIdArray !== undefined)) {
      throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'name the assets either by assetIdArray or by assetExternalIdArray (one of the two)');
    }
    const names = input.assetIdArray ?? input.assetExternalIdArray ?? [];
    sameLength('jsonResponseArray', responses.length, byId ? 'assetIdArray' : 'assetExternalIdArray', names.length);
    if (input.authorIdArray) sameLength('authorIdArray', input.authorIdArray.length, 'jsonResponseArray', responses.length);
    if (input.secondsToLabelArray) {
      sameLength('secondsToLabelArray', input.secondsToLabelArray.length, 'jsonResponseArray', responses.length);
      for (const seconds of input.secondsToLabelArray) if (!(Number.isFinite(seconds) && seconds >= 0)) throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `secondsToLabelArray: ${seconds} is not a number of seconds`);
    }
    if (names.length === 0) return { labels: [], replaced: 0 };
    const assets = await this.deps.assets.select(project.id, byId ? { assetIds: names } : { externalIds: names });
    const byName = new Map(assets.map((a) => [byId ? a.id : a.externalId, a]));
    const jsonInterface = project.jsonInterface as JsonInterface;
    let mids = 0;
    const createdAt = this.deps.clock.nowMicros();
    const labels = names.map((name, i) => {
      const asset = this.deps.assets.ready(byName.get(name)!);
      const content = readJsonResponse(responses[i], {
        jsonInterface,
        frameCount: asset.frameCount ?? 0,
        assetName: asset.externalId,
        newMid: () => `${asset.id.slice(0, 8)}-${++mids}`,
      });
      const record: LabelRecord = {
        id: newAnalysisId(),
        projectId: project.id,
        assetId: asset.id,
        labelType,
        authorId: input.authorIdArray?.[i] ?? null,
        modelName,
        secondsToLabel: input.secondsToLabelArray?.[i] ?? null,
        assetLevel: content.assetLevel,
        trackCount: content.tracks.length,
        keyCount: content.tracks.reduce((n, t) => n + t.keys.length, 0),
        // Labels of one call keep the order given.
        createdAtMicros: createdAt + i,
      };
      const replaces: Replaces | null = input.overwrite ? { assetId: asset.id, labelType, modelName } : null;
      return { record, content, replaces, asset };
    });
    const replaced = await this.deps.labels.insert(dedupeReplaces(labels));
    return { labels: labels.map((l) => ({ id: l.record.id, assetId: l.asset.id, externalId: l.asset.externalId })), replaced };
  }

  /**
   * One label read from another tool's file: CVAT for video 1.1 XML (its key frames and outside
   * flags kept; the frames between are derived again), or a Kili jsonResponse as JSON text.
   */
  async importLabel(projectIdOrPrefix: string, input: ImportLabelInput): Promise<{ labels: { id: string; assetId: string; externalId: string }[]; replaced: number; warnings: string[] }> {
    if ((input.assetId === undefined) === (input.assetExternalId === undefined)) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'name the asset by assetId or by assetExternalId (one of the two)');
    if (input.fmt === 'kili') {
      let jsonResponse: unknown;
      try {
        jsonResponse = JSON.parse(input.content);
      } catch (error) {
        throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `content is not JSON: ${(error as Error).message}`);
      }
      const named = input.assetId !== undefined ? { assetIdArray: [input.assetId] } : { assetExternalIdArray: [input.assetExternalId ?? ''] };
      return { ...(await this.append(projectIdOrPrefix, { ...named, ...labelOptions(input), jsonResponseArray: [jsonResponse] })), warnings: [] };
    }
    if (input.fmt !== 'cvat_video') throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `fmt: ${JSON.stringify(input.fmt)} cannot be imported; choose cvat_video or kili`);
    const project = await this.deps.projects.find(projectIdOrPrefix);
    const [found] = await this.deps.assets.select(project.id, input.assetId !== undefined ? { assetIds: [input.assetId] } : { externalIds: [input.assetExternalId ?? ''] });
    const asset = this.deps.assets.ready(found!);
    const sizes = await this.deps.assets.frameSizes(asset.id);
    const jsonInterface = project.jsonInterface as JsonInterface;
    const tracks = parseCvatVideo(input.content, (frame) => sizes[Math.min(frame, sizes.length - 1)] ?? { width: asset.width ?? 1, height: asset.height ?? 1 }, exportClasses(jsonInterface));
    const { clamped } = checkTracks(tracks, jsonInterface, asset.frameCount ?? 0, asset.externalId);
    const labelType = labelTypeOf(input.labelType ?? 'DEFAULT');
    const modelName = input.modelName ?? null;
    const record: LabelRecord = {
      id: newAnalysisId(),
      projectId: project.id,
      assetId: asset.id,
      labelType,
      authorId: input.authorId ?? null,
      modelName,
      secondsToLabel: null,
      assetLevel: null,
      trackCount: tracks.length,
      keyCount: tracks.reduce((n, t) => n + t.keys.length, 0),
      createdAtMicros: this.deps.clock.nowMicros(),
    };
    const replaced = await this.deps.labels.insert([{ record, content: { assetLevel: null, tracks }, replaces: input.overwrite ? { assetId: asset.id, labelType, modelName } : null }]);
    const warnings = clamped > 0 ? [`${clamped} points outside the frame were moved onto its edge`] : [];
    return { labels: [{ id: record.id, assetId: asset.id, externalId: asset.externalId }], replaced, warnings };
  }

  /** The project's labels, oldest first. */
  async list(projectIdOrPrefix: string, query: LabelQuery): Promise<LabelView[]> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    const filter = await this.filterOf(project.id, query);
    const records = await this.deps.labels.list(filter, page(query));
    return this.views(project.id, records);
  }

  async count(projectIdOrPrefix: string, query: LabelQuery): Promise<number> {
    const project = await this.deps.projects.find(projectIdOrPrefix);
    return this.deps.labels.count(await this.filterOf(project.id, query));
  }

  async get(idOrPrefix: string): Promise<LabelView> {
    const id = await resolveId('label', idOrPrefix, { withPrefix: (prefix, limit) => this.deps.labels.idsWithPrefix(prefix, limit) });
    const record = await this.deps.labels.get(id);
    if (!record) throw notFoundError('label', id);
    return (await this.views(record.projectId, [record]))[0]!;
  }

  /** The label as Kili's jsonResponse, whole (for labels small enough to hold in memory). */
  async jsonResponse(label: LabelView): Promise<Record<string, unknown>> {
    const { source, singleFrame } = await this.source(label);
    return renderJsonResponse(source, { singleFrame });
  }

  /** The same as JSON text, produced a frame at a time. */
  async jsonResponseText(label: LabelView): Promise<AsyncIterable<string>> {
    const { source, singleFrame } = await this.source(label);
    return jsonResponseText(source, { singleFrame });
  }

  /** The label's tracks with their key frames, read lazily (exports, the web app). */
  async source(label: LabelRecord): Promise<{ source: LabelSource & { tracks: readonly StoredTrack[] }; asset: AssetRecord; singleFrame: boolean }> {
    const asset = await this.deps.assets.get(label.assetId);
    const project = await this.deps.projects.find(label.projectId);
    const tracks = await this.deps.labels.tracks(label.id);
    const aspect = asset.width && asset.height ? asset.width / asset.height : 1;
    return {
      source: {
        assetLevel: label.assetLevel,
        tracks,
        keys: (track) => this.deps.labels.keys(label.id, (track as StoredTrack).ordinal),
        frameCount: asset.frameCount ?? 0,
        aspectOf: () => aspect,
      },
      asset,
      singleFrame: project.inputType === 'IMAGE' && asset.frameCount === 1,
    };
  }

  /** Deletes labels by id (of one project when it is named); any not found is an error, and nothing is deleted. */
  async delete(projectIdOrPrefix: string | null, ids: readonly string[]): Promise<{ deleted: number }> {
    const project = projectIdOrPrefix === null ? null : await this.deps.projects.find(projectIdOrPrefix);
    const unique = [...new Set(ids)];
    const records = await Promise.all(unique.map((id) => this.deps.labels.get(id)));
    const missing = unique.filter((_, i) => !records[i] || (project !== null && records[i].projectId !== project.id));
    if (missing.length > 0) {
      throw new CamtroveError('CAMTROVE_ERR_LABEL_NOT_FOUND', `${project ? `project ${project.id} has` : 'there is'} no label with id ${missing.slice(0, 20).map((m) => JSON.stringify(m)).join(', ')}; nothing was deleted`);
    }
    return { deleted: await this.deps.labels.delete(unique) };
  }

  private async filterOf(projectId: string, query: LabelQuery) {
    const labelTypeIn = query.labelTypeIn?.map(labelTypeOf);
    let assetIds: string[] | undefined;
    if (query.assetId !== undefined || query.assetExternalId !== undefined) {
      const assets = await this.deps.assets.select(projectId, query.assetId !== undefined ? { assetIds: [query.assetId] } : { externalIds: [query.assetExternalId!] });
      assetIds = assets.map((a) => a.id);
    }
    return { projectId, ...(assetIds ? { assetIds } : {}), ...(labelTypeIn ? { labelTypeIn } : {}) };
  }

  private async views(projectId: string, records: readonly LabelRecord[]): Promise<LabelView[]> {
    if (records.length === 0) return [];
    const assetIds = [...new Set(records.map((r) => r.assetId))];
    const assets = await this.deps.assets.select(projectId, { assetIds });
    const externalIds = new Map(assets.map((a) => [a.id, a.externalId]));
    // The latest DEFAULT or REVIEW label of each author on each asset.
    const latest = new Map<string, string>();
    for (const labels of (await this.deps.labels.ofAssets(assetIds)).values()) {
      for (const r of labels) if (r.labelType === 'DEFAULT' || r.labelType === 'REVIEW') latest.set(`${r.assetId}\u0000${r.authorId ?? ''}`, r.id);
    }
    return records.map((r) => ({
      ...r,
      externalId: externalIds.get(r.assetId) ?? '',
      isLatestLabelForUser: latest.get(`${r.assetId}\u0000${r.authorId ?? ''}`) === r.id,
    }));
  }
}

/** One asset named twice in an overwriting call: its earlier labels are replaced once, not by each. */
function dedupeReplaces<T extends { replaces: Replaces | null }>(labels: readonly T[]): T[] {
  const seen = new Set<string>();
  return labels.map((l) => {
    if (!l.replaces) return l;
    const key = JSON.stringify(l.replaces);
    if (seen.has(key)) return { ...l, replaces: null };
    seen.add(key);
    return l;
  });
}

function labelTypeOf(value: string): LabelType {
  if ((LABEL_TYPES as readonly string[]).includes(value)) return value as LabelType;
  throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `labelType: "${value}" is not one of ${LABEL_TYPES.join(', ')}`);
}

function sameLength(a: string, aLength: number, b: string, bLength: number): void {
  if (aLength !== bLength) throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `${a} has ${aLength} entries and ${b} ${bLength}: give one per label, in the same order`);
}

