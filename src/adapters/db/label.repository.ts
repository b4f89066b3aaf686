import type { Kysely, Selectable } from 'kysely';
import type { KeyFrame, LabelContent, LabelType, TrackHeader } from '../../domain/labeling/label-model.js';
import { inTransaction } from './database.js';
import { idsWithPrefix } from './pagination.js';
import type { Database, LabelsTable } from './schema.js';

export interface LabelRecord {
  id: string;
  projectId: string;
  assetId: string;
  labelType: LabelType;
  authorId: string | null;
  modelName: string | null;
  secondsToLabel: number | null;
  assetLevel: Record<string, unknown> | null;
  trackCount: number;
  keyCount: number;
  createdAtMicros: number;
}

export interface StoredTrack extends TrackHeader {
  ordinal: number;
}

export interface LabelFilter {
  projectId: string;
  assetIds?: readonly string[];
  labelTypeIn?: readonly LabelType[];
  /** Only labels of these models (predictions). */
  modelName?: string;
}

/** Which earlier labels a new one replaces: those of its type on its asset (and of its model, if any). */
export interface Replaces {
  assetId: string;
  labelType: LabelType;
  modelName: string | null;
}

/** A label to store: its record, its tracks, and which earlier labels it replaces. */
export interface NewLabel {
  record: LabelRecord;
  content: LabelContent;
  replaces: Replaces | null;
}

/** Rows per INSERT: five columns each stays far under both databases' parameter limits. */
const KEY_BATCH = 1_000;
const ID_BATCH = 500;

/** Labels as tracks of key frames (see the migration 2026-12-07-013-labels). */
export class LabelRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores labels in one transaction, after deleting the labels each replaces (`overwrite`), so a
   * failure leaves the earlier ones in place. Returns how many earlier labels were replaced.
   */
  async insert(labels: readonly NewLabel[]): Promise<number> {
    return inTransaction(this.db, (trx) => insertLabels(trx, labels));
  }

  async get(id: string): Promise<LabelRecord | null> {
    const row = await this.db.selectFrom('labels').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? labelRecord(row) : null;
  }

  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    return idsWithPrefix(this.db, 'labels', prefix, limit);
  }

  /** Labels in the order they were made. */
  async list(filter: LabelFilter, page: { first: number; skip: number }): Promise<LabelRecord[]> {
    const rows = await this.filtered(filter).selectAll().orderBy('created_at_us').orderBy('id').limit(page.first).offset(page.skip).execute();
    return rows.map(labelRecord);
  }

  async count(filter: LabelFilter): Promise<number> {
    const row = await this.filtered(filter).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private filtered(filter: LabelFilter) {
    let query = this.db.selectFrom('labels').where('project_id', '=', filter.projectId);
    if (filter.assetIds) query = query.where('asset_id', 'in', filter.assetIds.length > 0 ? [...filter.assetIds] : ['']);
    if (filter.labelTypeIn) query = query.where('label_type', 'in', filter.labelTypeIn.length > 0 ? [...filter.labelTypeIn] : ['']);
    if (filter.modelName !== undefined) query = query.where('model_name', '=', filter.modelName);
    return query;
  }

  /**
   * The label an export takes for an asset: its latest REVIEW label when REVIEW is among the types,
   * else its latest label of those types.
   */
  async chosen(assetId: string, types: readonly LabelType[]): Promise<LabelRecord | null> {
    const latest = async (of: readonly LabelType[]) => {
      if (of.length === 0) return null;
      const row = await this.db.selectFrom('labels').selectAll().where('asset_id', '=', assetId).where('label_type', 'in', [...of]).orderBy('created_at_us', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row ? labelRecord(row) : null;
    };
    return (types.includes('REVIEW') ? await latest(['REVIEW']) : null) ?? latest(types);
  }

  /** The labels of some assets, oldest first, by asset. */
  async ofAssets(assetIds: readonly string[]): Promise<Map<string, LabelRecord[]>> {
    const byAsset = new Map<string, LabelRecord[]>();
    for (let i = 0; i < assetIds.length; i += ID_BATCH) {
      const rows = await this.db.selectFrom('labels').selectAll().where('asset_id', 'in', assetIds.slice(i, i + ID_BATCH)).orderBy('created_at_us').orderBy('id').execute();
      for (const row of rows) {
        const record = labelRecord(row);
        const list = byAsset.get(record.assetId) ?? [];
        list.push(record);
        byAsset.set(record.assetId, list);
      }
    }
    return byAsset;
  }

  /** A label's tracks, in the order they first appear. */
  async tracks(labelId: string): Promise<StoredTrack[]> {
    const rows = await this.db.selectFrom('label_tracks').selectAll().where('label_id', '=', labelId).orderBy('ordinal').execute();
    return rows.map((r) => ({
      ordinal: r.ordinal,
      job: r.job,
      mid: r.mid,
      kind: r.kind as TrackHeader['kind'],
      tool: r.tool as TrackHeader['tool'],
      firstFrame: r.first_frame,
      lastFrame: r.last_frame,
    }));
  }

  /** A track's key frames in frame order, read `pageSize` at a time. */
  async *keys(labelId: string, ordinal: number, pageSize = 512): AsyncGenerator<KeyFrame> {
    let after = -1;
    for (;;) {
      const rows = await this.db
        .selectFrom('label_keys')
        .select(['frame', 'outside', 'value'])
        .where('label_id', '=', labelId)
        .where('track', '=', ordinal)
        .where('frame', '>', after)
        .orderBy('frame')
        .limit(pageSize)
        .execute();
      for (const r of rows) yield { frame: r.frame, outside: Number(r.outside) === 1, value: JSON.parse(r.value) as KeyFrame['value'] };
      if (rows.length < pageSize) return;
      after = rows.at(-1)!.frame;
    }
  }

  /** The jobs and categories a project's labels use (for the interface check). */
  async usedJobsAndCategories(projectId: string): Promise<{ job: string; category: string | null }[]> {
    const tracks = await this.db
      .selectFrom('label_tracks')
      .innerJoin('labels', 'labels.id', 'label_tracks.label_id')
      .select(['label_tracks.job', 'label_tracks.categories'])
      .distinct()
      .where('labels.project_id', '=', projectId)
      .execute();
    const used: { job: string; category: string | null }[] = [];
    for (const t of tracks) {
      const categories = JSON.parse(t.categories) as string[];
      if (categories.length === 0) used.push({ job: t.job, category: null });
      for (const category of categories) used.push({ job: t.job, category });
    }
    const levels = await this.db.selectFrom('labels').select('asset_level').where('project_id', '=', projectId).where('asset_level', 'is not', null).execute();
    for (const level of levels) for (const job of Object.keys(JSON.parse(level.asset_level!) as object)) used.push({ job, category: null });
    return used;
  }

  /** Deletes labels with their tracks and keys, in one transaction. */
  async delete(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return inTransaction(this.db, (trx) => deleteLabels(trx, ids));
  }
}

/**
 * Stores labels inside the caller's transaction, after deleting the labels each replaces
 * (`overwrite`). Returns how many earlier labels were replaced.
 */
export async function insertLabels(trx: Kysely<Database>, labels: readonly NewLabel[]): Promise<number> {
  let replaced = 0;
  for (const { replaces } of labels) {
    if (!replaces) continue;
    let query = trx.selectFrom('labels').select('id').where('asset_id', '=', replaces.assetId).where('label_type', '=', replaces.labelType);
    query = replaces.modelName === null ? query.where('model_name', 'is', null) : query.where('model_name', '=', replaces.modelName);
    const ids = (await query.execute()).map((r) => r.id);
    replaced += await deleteLabels(trx, ids);
  }
  for (const { record, content } of labels) {
    await trx.insertInto('labels').values(labelRow(record)).execute();
    const tracks = content.tracks.map((t, ordinal) => ({
      label_id: record.id,
      ordinal,
      job: t.job,
      mid: t.mid,
      kind: t.kind,
      tool: t.tool,
      categories: JSON.stringify([...new Set(t.keys.flatMap((k) => (k.value.categories ?? []).map((c) => c.name)))]),
      first_frame: t.keys[0]!.frame,
      last_frame: t.keys.at(-1)!.frame,
    }));
    for (let i = 0; i < tracks.length; i += KEY_BATCH) await trx.insertInto('label_tracks').values(tracks.slice(i, i + KEY_BATCH)).execute();
    let batch: Selectable<Database['label_keys']>[] = [];
    for (const [ordinal, track] of content.tracks.entries()) {
      for (const key of track.keys) {
        batch.push({ label_id: record.id, track: ordinal, frame: key.frame, outside: key.outside ? 1 : 0, value: JSON.stringify(key.value) });
        if (batch.length === KEY_BATCH) {
          await trx.insertInto('label_keys').values(batch).execute();
          batch = [];
        }
      }
    }
    if (batch.length > 0) await trx.insertInto('label_keys').values(batch).execute();
  }
  return replaced;
}

/** Deletes labels with their tracks and keys, inside the caller's transaction. */
export async function deleteLabels(trx: Kysely<Database>, ids: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += ID_BATCH) {
    const batch = ids.slice(i, i + ID_BATCH);
    await trx.deleteFrom('label_keys').where('label_id', 'in', batch).execute();
    await trx.deleteFrom('label_tracks').where('label_id', 'in', batch).execute();
    deleted += Number((await trx.deleteFrom('labels').where('id', 'in', batch).executeTakeFirst()).numDeletedRows);
  }
  return deleted;
}

/** Deletes every label of some assets (assets removed from a project take their labels along). */
export async function deleteLabelsOfAssets(trx: Kysely<Database>, assetIds: readonly string[]): Promise<void> {
  for (let i = 0; i < assetIds.length; i += ID_BATCH) {
    const labels = (await trx.selectFrom('labels').select('id').where('asset_id', 'in', assetIds.slice(i, i + ID_BATCH)).execute()).map((r) => r.id);
    await deleteLabels(trx, labels);
  }
}

function labelRow(r: LabelRecord): Selectable<LabelsTable> {
  return {
    id: r.id,
    project_id: r.projectId,
    asset_id: r.assetId,
    label_type: r.labelType,
    author_id: r.authorId,
    model_name: r.modelName,
    seconds_to_label: r.secondsToLabel,
    asset_level: r.assetLevel === null ? null : JSON.stringify(r.assetLevel),
    track_count: r.trackCount,
    key_count: r.keyCount,
    created_at_us: r.createdAtMicros,
  };
}

function labelRecord(r: Selectable<LabelsTable>): LabelRecord {
  return {
    id: r.id,
    projectId: r.project_id,
    assetId: r.asset_id,
    labelType: r.label_type as LabelType,
    authorId: r.author_id,
    modelName: r.model_name,
    secondsToLabel: r.seconds_to_label === null ? null : Number(r.seconds_to_label),
    assetLevel: r.asset_level === null ? null : (JSON.parse(r.asset_level) as Record<string, unknown>),
    trackCount: Number(r.track_count),
    keyCount: Number(r.key_count),
    createdAtMicros: Number(r.created_at_us),
  };
}
