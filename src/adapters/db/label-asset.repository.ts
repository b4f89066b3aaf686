import { sql, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { MetadataCondition } from '../../domain/labeling/asset-metadata.js';
import { metadataIndexRows } from '../../domain/labeling/asset-metadata.js';
import { idsWithPrefix } from './pagination.js';
import { inTransaction, type DialectName } from './database.js';
import { deleteLabelsOfAssets, insertLabels, type NewLabel } from './label.repository.js';
import type { PredictionTarget } from '../../domain/labeling/motion-predictions.js';
import { containsText } from './dialect-sql.js';
import type { Database, LabelAssetFramesTable, LabelAssetsTable } from './schema.js';

export type AssetSourceKind = 'file' | 'url' | 'event' | 'frames';
export type ProcessingState = 'PENDING' | 'READY' | 'FAILED';

export interface AssetRecord {
  id: string;
  projectId: string;
  externalId: string;
  /** What the asset was made from, as the client named it. */
  content: string;
  jsonContent: string[] | null;
  sourceKind: AssetSourceKind;
  /** The library file of its video (null for a frame list). */
  fileId: string | null;
  eventId: string | null;
  /** The span of the video it covers, in the video's own timestamps (an event in its media); null for all of it. */
  rangeStart: number | null;
  rangeEnd: number | null;
  jsonMetadata: Record<string, unknown>;
  processingParameters: Record<string, unknown> | null;
  status: string;
  processingState: ProcessingState;
  errorCode: string | null;
  errorMessage: string | null;
  batchId: string;
  width: number | null;
  height: number | null;
  rotation: number | null;
  frameCount: number | null;
  fps: number | null;
  codec: string | null;
  startTime: number | null;
  duration: number | null;
  createdAtMicros: number;
  updatedAt: number;
  /** An asset made from an event: where its motion predictions go once it is prepared; null for none. */
  preannotation: PredictionTarget | null;
}

/** What was measured when an asset was prepared. */
export type AssetMeasurements = Pick<AssetRecord, 'width' | 'height' | 'rotation' | 'frameCount' | 'fps' | 'codec' | 'startTime' | 'duration'>;

export interface AssetFrameRecord {
  index: number;
  /** Seconds, the source frame's presentation time; null for a frame list without times. */
  pts: number | null;
  /** The decoded frame a sampled frame shows (its index among all decoded frames). */
  sourceIndex: number | null;
  /** The presentation time of the key frame decoding starts from to reach this frame. */
  keyPts: number | null;
  width: number;
  height: number;
  /** The frame's own image (frame lists, split frames), or null when it is decoded from the video. */
  fileId: string | null;
}

/** Which assets of a project: every condition given must hold. */
export interface AssetFilter {
  assetIds?: readonly string[];
  /** External ids containing any of these. */
  externalIdIn?: readonly string[];
  /** External ids equal to one of these. */
  externalIdStrictlyIn?: readonly string[];
  metadata?: readonly MetadataCondition[];
}

const FRAME_BATCH = 500;
const ID_BATCH = 500;

/** Labeling assets, their metadata index and their frame tables. */
export class LabelAssetRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /** Of these external ids, those the project has already. */
  async existingExternalIds(projectId: string, externalIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < externalIds.length; i += ID_BATCH) {
      const rows = await this.db.selectFrom('label_assets').select('external_id').where('project_id', '=', projectId).where('external_id', 'in', externalIds.slice(i, i + ID_BATCH)).execute();
      for (const row of rows) found.add(row.external_id);
    }
    return found;
  }

  /**
   * Adds assets, with their metadata rows and the frames known already (a frame list's images), in
   * one transaction: all of them or none.
   */
  async insertMany(assets: readonly { asset: AssetRecord; frameFileIds: readonly string[] }[]): Promise<void> {
    if (assets.length === 0) return;
    await inTransaction(this.db, async (trx) => {
      for (let i = 0; i < assets.length; i += ID_BATCH) {
        const slice = assets.slice(i, i + ID_BATCH);
        await trx.insertInto('label_assets').values(slice.map(({ asset }) => assetRow(asset))).execute();
        const metadata = slice.flatMap(({ asset }) => metadataRows(asset.id, asset.jsonMetadata));
        for (let j = 0; j < metadata.length; j += ID_BATCH) await trx.insertInto('label_asset_metadata').values(metadata.slice(j, j + ID_BATCH)).execute();
      }
      for (const { asset, frameFileIds } of assets) {
        const frames = frameFileIds.map((fileId, idx) => ({ asset_id: asset.id, idx, pts: null, source_idx: null, key_pts: null, width: 0, height: 0, file_id: fileId }));
        for (let j = 0; j < frames.length; j += FRAME_BATCH) await trx.insertInto('label_asset_frames').values(frames.slice(j, j + FRAME_BATCH)).execute();
      }
    });
  }

  /** Ids starting with `prefix`, at most `limit` of them. */
  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    return idsWithPrefix(this.db, 'label_assets', prefix, limit);
  }

  async get(id: string): Promise<AssetRecord | null> {
    const row = await this.db.selectFrom('label_assets').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? assetRecord(row) : null;
  }

  /** The project's assets that pass the filter, in the order they were added. */
  async list(projectId: string, filter: AssetFilter, page: { first: number; skip: number }): Promise<AssetRecord[]> {
    const rows = await this.db
      .selectFrom('label_assets')
      .selectAll()
      .where((eb) => this.matching(eb, projectId, filter))
      .orderBy('created_at_us')
      .orderBy('id')
      .limit(page.first)
      .offset(page.skip)
      .execute();
    return rows.map(assetRecord);
  }

  async count(projectId: string, filter: AssetFilter): Promise<number> {
    const { n } = await this.db
      .selectFrom('label_assets')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where((eb) => this.matching(eb, projectId, filter))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Assets of the project by id or by external id (those that exist; the caller names the others). */
  async find(projectId: string, by: { assetIds?: readonly string[]; externalIds?: readonly string[] }): Promise<AssetRecord[]> {
    const found: AssetRecord[] = [];
    const column = by.assetIds ? 'id' : 'external_id';
    const values = by.assetIds ?? by.externalIds ?? [];
    for (let i = 0; i < values.length; i += ID_BATCH) {
      const rows = await this.db.selectFrom('label_assets').selectAll().where('project_id', '=', projectId).where(column, 'in', values.slice(i, i + ID_BATCH)).execute();
      found.push(...rows.map(assetRecord));
    }
    return found;
  }

  /** New metadata for these assets, in one transaction; those whose processing changed go back to PENDING. */
  async updateMetadata(updates: readonly { id: string; jsonMetadata: Record<string, unknown>; processingParameters: Record<string, unknown> | null; reprocess: boolean }[], now: number): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      for (const update of updates) {
        await trx
          .updateTable('label_assets')
          .set({
            json_metadata: JSON.stringify(update.jsonMetadata),
            processing_parameters: update.processingParameters === null ? null : JSON.stringify(update.processingParameters),
            updated_at: now,
            ...(update.reprocess ? { processing_state: 'PENDING', error_code: null, error_message: null } : {}),
          })
          .where('id', '=', update.id)
          .execute();
        await trx.deleteFrom('label_asset_metadata').where('asset_id', '=', update.id).execute();
        const rows = metadataRows(update.id, update.jsonMetadata);
        if (rows.length > 0) await trx.insertInto('label_asset_metadata').values(rows).execute();
      }
    });
  }

  /**
   * Deletes assets with their labels, frames and metadata rows in one transaction. Returns the files their
   * frames were cut into (split video frames, not the images of a frame list, which are the user's),
   * for the caller to let go of when nothing else uses them.
   */
  async deleteMany(ids: readonly string[]): Promise<{ deleted: number; cutFrameFileIds: string[] }> {
    if (ids.length === 0) return { deleted: 0, cutFrameFileIds: [] };
    return inTransaction(this.db, async (trx) => {
      let deleted = 0;
      const cut = new Set<string>();
      for (let i = 0; i < ids.length; i += ID_BATCH) {
        const batch = ids.slice(i, i + ID_BATCH);
        const files = await trx
          .selectFrom('label_asset_frames')
          .innerJoin('label_assets', 'label_assets.id', 'label_asset_frames.asset_id')
          .select('label_asset_frames.file_id')
          .distinct()
          .where('label_asset_frames.asset_id', 'in', batch)
          .where('label_assets.source_kind', '!=', 'frames')
          .where('label_asset_frames.file_id', 'is not', null)
          .execute();
        for (const f of files) if (f.file_id) cut.add(f.file_id);
        await deleteLabelsOfAssets(trx, batch);
        await trx.deleteFrom('label_asset_frames').where('asset_id', 'in', batch).execute();
        await trx.deleteFrom('label_asset_metadata').where('asset_id', 'in', batch).execute();
        deleted += Number((await trx.deleteFrom('label_assets').where('id', 'in', batch).executeTakeFirst()).numDeletedRows);
      }
      return { deleted, cutFrameFileIds: [...cut] };
    });
  }

  /** Ids of every asset still to be prepared (re-queued at start-up). */
  async pendingIds(): Promise<string[]> {
    return (await this.db.selectFrom('label_assets').select('id').where('processing_state', '=', 'PENDING').execute()).map((r) => r.id);
  }

  /** The frames of a frame list, as added: their image files in order. */
  async frameFiles(assetId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('label_asset_frames').select('file_id').where('asset_id', '=', assetId).orderBy('idx').execute();
    return rows.map((r) => r.file_id).filter((id): id is string => id !== null);
  }

  /**
   * Records a prepared asset: its measurements and its whole frame table, replacing any earlier one,
   * in one transaction, only while the asset is still PENDING (a deletion or a newer change since wins).
   * Returns the files of the frame table it replaced that were cut from the video.
   */
  /**
   * Writes the frame table and the measurements, if the asset is still PENDING, with `labels` (its
   * first predictions) in the same transaction: the asset is READY with them or not at all.
   */
  async markReady(id: string, measured: AssetMeasurements, frames: readonly AssetFrameRecord[], now: number, labels: readonly NewLabel[] = []): Promise<{ ready: boolean; replacedCutFileIds: string[] }> {
    return inTransaction(this.db, async (trx) => {
      const asset = await trx.selectFrom('label_assets').select(['processing_state', 'source_kind']).where('id', '=', id).executeTakeFirst();
      if (!asset || asset.processing_state !== 'PENDING') return { ready: false, replacedCutFileIds: [] };
      const replaced = asset.source_kind === 'frames' ? [] : await trx.selectFrom('label_asset_frames').select('file_id').distinct().where('asset_id', '=', id).where('file_id', 'is not', null).execute();
      await trx.deleteFrom('label_asset_frames').where('asset_id', '=', id).execute();
      for (let i = 0; i < frames.length; i += FRAME_BATCH) await trx.insertInto('label_asset_frames').values(frames.slice(i, i + FRAME_BATCH).map((f) => frameRow(id, f))).execute();
      await trx
        .updateTable('label_assets')
        .set({
          processing_state: 'READY',
          error_code: null,
          error_message: null,
          width: measured.width,
          height: measured.height,
          rotation: measured.rotation,
          frame_count: measured.frameCount,
          fps: measured.fps,
          codec: measured.codec,
          start_time: measured.startTime,
          duration: measured.duration,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      await insertLabels(trx, labels);
      const kept = new Set(frames.map((f) => f.fileId));
      return { ready: true, replacedCutFileIds: replaced.map((r) => r.file_id).filter((f): f is string => f !== null && !kept.has(f)) };
    });
  }

  async markFailed(id: string, error: { code: string; message: string }, now: number): Promise<void> {
    await this.db.updateTable('label_assets').set({ processing_state: 'FAILED', error_code: error.code, error_message: error.message, updated_at: now }).where('id', '=', id).where('processing_state', '=', 'PENDING').execute();
  }

  /** Where the preparation of one call's assets stands. */
  async batch(projectId: string, batchId: string): Promise<{ total: number; pending: number; ready: number; failed: AssetRecord[] }> {
    const rows = await this.db
      .selectFrom('label_assets')
      .select(['processing_state', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('project_id', '=', projectId)
      .where('batch_id', '=', batchId)
      .groupBy('processing_state')
      .execute();
    const counts = new Map(rows.map((r) => [r.processing_state, Number(r.n)]));
    const failed = (counts.get('FAILED') ?? 0) > 0 ? (await this.db.selectFrom('label_assets').selectAll().where('project_id', '=', projectId).where('batch_id', '=', batchId).where('processing_state', '=', 'FAILED').orderBy('created_at_us').execute()).map(assetRecord) : [];
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return { total, pending: counts.get('PENDING') ?? 0, ready: counts.get('READY') ?? 0, failed };
  }

  async frames(assetId: string, page: { first: number; skip: number }): Promise<AssetFrameRecord[]> {
    const rows = await this.db.selectFrom('label_asset_frames').selectAll().where('asset_id', '=', assetId).where('idx', '>=', page.skip).orderBy('idx').limit(page.first).execute();
    return rows.map(frameRecord);
  }

  async frame(assetId: string, index: number): Promise<{ frame: AssetFrameRecord; previousPts: number | null } | null> {
    const rows = await this.db.selectFrom('label_asset_frames').selectAll().where('asset_id', '=', assetId).where('idx', 'in', [index - 1, index]).orderBy('idx').execute();
    const frame = rows.find((r) => r.idx === index);
    if (!frame) return null;
    const previous = rows.find((r) => r.idx === index - 1);
    return { frame: frameRecord(frame), previousPts: previous?.pts ?? null };
  }

  private matching(eb: ExpressionBuilder<Database, 'label_assets'>, projectId: string, filter: AssetFilter): Expression<SqlBool> {
    const conditions: Expression<SqlBool>[] = [eb('project_id', '=', projectId)];
    if (filter.assetIds) conditions.push(filter.assetIds.length > 0 ? eb('id', 'in', [...filter.assetIds]) : sql<boolean>`1 = 0`);
    if (filter.externalIdStrictlyIn) conditions.push(filter.externalIdStrictlyIn.length > 0 ? eb('external_id', 'in', [...filter.externalIdStrictlyIn]) : sql<boolean>`1 = 0`);
    if (filter.externalIdIn) conditions.push(eb.or(filter.externalIdIn.map((part) => containsText(this.dialect, 'external_id', part))));
    for (const condition of filter.metadata ?? []) {
      const rows = eb.selectFrom('label_asset_metadata').select('asset_id').where('key', '=', condition.key);
      if ('equals' in condition) {
        const value = condition.equals;
        conditions.push(eb('id', 'in', typeof value === 'number' ? rows.where('num_value', '=', value) : rows.where('text_value', '=', String(value))));
      } else if ('anyOf' in condition) {
        conditions.push(condition.anyOf.length > 0 ? eb('id', 'in', rows.where('text_value', 'in', condition.anyOf)) : sql<boolean>`1 = 0`);
      } else {
        conditions.push(eb('id', 'in', rows.where('num_value', '>=', condition.min).where('num_value', '<=', condition.max)));
      }
    }
    return eb.and(conditions);
  }
}

function metadataRows(assetId: string, jsonMetadata: Record<string, unknown>) {
  return metadataIndexRows(jsonMetadata).map((r) => ({ asset_id: assetId, key: r.key, text_value: r.text, num_value: r.num }));
}

function assetRow(a: AssetRecord): Selectable<LabelAssetsTable> {
  return {
    id: a.id,
    project_id: a.projectId,
    external_id: a.externalId,
    content: a.content,
    json_content: a.jsonContent === null ? null : JSON.stringify(a.jsonContent),
    source_kind: a.sourceKind,
    file_id: a.fileId,
    event_id: a.eventId,
    range_start: a.rangeStart,
    range_end: a.rangeEnd,
    json_metadata: JSON.stringify(a.jsonMetadata),
    processing_parameters: a.processingParameters === null ? null : JSON.stringify(a.processingParameters),
    status: a.status,
    processing_state: a.processingState,
    error_code: a.errorCode,
    error_message: a.errorMessage,
    batch_id: a.batchId,
    width: a.width,
    height: a.height,
    rotation: a.rotation,
    frame_count: a.frameCount,
    fps: a.fps,
    codec: a.codec,
    start_time: a.startTime,
    duration: a.duration,
    created_at_us: a.createdAtMicros,
    updated_at: a.updatedAt,
    preannotation: a.preannotation === null ? null : JSON.stringify(a.preannotation),
  };
}

function assetRecord(r: Selectable<LabelAssetsTable>): AssetRecord {
  return {
    id: r.id,
    projectId: r.project_id,
    externalId: r.external_id,
    content: r.content,
    jsonContent: r.json_content === null ? null : (JSON.parse(r.json_content) as string[]),
    sourceKind: r.source_kind as AssetSourceKind,
    fileId: r.file_id,
    eventId: r.event_id,
    rangeStart: r.range_start,
    rangeEnd: r.range_end,
    jsonMetadata: JSON.parse(r.json_metadata) as Record<string, unknown>,
    processingParameters: r.processing_parameters === null ? null : (JSON.parse(r.processing_parameters) as Record<string, unknown>),
    status: r.status,
    processingState: r.processing_state as ProcessingState,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    batchId: r.batch_id,
    width: r.width,
    height: r.height,
    rotation: r.rotation,
    frameCount: r.frame_count,
    fps: r.fps,
    codec: r.codec,
    startTime: r.start_time,
    duration: r.duration,
    createdAtMicros: Number(r.created_at_us),
    updatedAt: Number(r.updated_at),
    preannotation: r.preannotation === null ? null : (JSON.parse(r.preannotation) as PredictionTarget),
  };
}

function frameRow(assetId: string, f: AssetFrameRecord): Selectable<LabelAssetFramesTable> {
  return { asset_id: assetId, idx: f.index, pts: f.pts, source_idx: f.sourceIndex, key_pts: f.keyPts, width: f.width, height: f.height, file_id: f.fileId };
}

function frameRecord(r: Selectable<LabelAssetFramesTable>): AssetFrameRecord {
  return { index: r.idx, pts: r.pts, sourceIndex: r.source_idx, keyPts: r.key_pts, width: r.width, height: r.height, fileId: r.file_id };
}
