import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { FileUsage, UsageCount } from '../../domain/file-usage.js';
import type { Database } from './schema.js';

/** Ids named in a refusal, per kind of record. */
const SAMPLE = 3;
const ACTIVE = ['PENDING', 'STARTED'];

/**
 * The records that refer to a file: the queries behind a deletion's refusal, its cascade and
 * retention's choice of files to let go. Run them in the transaction that holds the file's blob
 * lock (lockBlobs), so that nothing starts using the file between the check and the deletion.
 */
export async function fileUsage(db: Kysely<Database>, id: string): Promise<FileUsage> {
  const outputsOf = db.selectFrom('analysis_outputs').select('analysis_id').where('file_id', '=', id);
  const analyses = (active: boolean) =>
    db
      .selectFrom('analyses')
      .where((eb) => eb.or([eb('file_id', '=', id), eb('id', 'in', outputsOf)]))
      .where('state', active ? 'in' : 'not in', ACTIVE);
  const events = db.selectFrom('events').where('media_id', '=', id);
  const previews = db.selectFrom('events').where((eb) => eb.or([eb('thumbnail_file_id', '=', id), eb('clip_file_id', '=', id)])).where('media_id', '!=', id);
  return {
    events: await usage(events, 'id'),
    previews: await usage(previews, 'id'),
    media: await usage(db.selectFrom('media').where('id', '=', id), 'id'),
    frames: await usage(db.selectFrom('frames').where('file_id', '=', id), 'id'),
    analyses: await usage(analyses(false), 'id'),
    activeAnalyses: await usage(analyses(true), 'id'),
    importItems: await usage(db.selectFrom('import_items').where('file_id', '=', id), 'job_id'),
    labelAssets: await usage(
      db.selectFrom('label_assets').where((eb) => eb.or([eb('file_id', '=', id), eb('id', 'in', eb.selectFrom('label_asset_frames').select('asset_id').where('file_id', '=', id))])),
      'id',
    ),
  };
}

/** How many rows a query has, and a few distinct values of one of its columns. */
async function usage<T extends keyof Database>(base: SelectQueryBuilder<Database, T, object>, column: string): Promise<UsageCount> {
  const { n } = await base.select(sql<string | number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  const count = Number(n);
  if (count === 0) return { count, sample: [] };
  const rows = await base.select(sql<string>`${sql.ref(column)}`.as('value')).distinct().orderBy('value').limit(SAMPLE).execute();
  return { count, sample: rows.map((r) => r.value) };
}

/**
 * Deletes or detaches everything that uses a file, before the file's own row goes (the cascade of
 * `files rm --cascade`): the events of its media with their labels and data, its media record, the
 * archived frames of its bytes, the finished analyses that read or stored it (with their jobs); the
 * events showing it as thumbnail or clip keep their motion and lose that picture; import items of
 * it go back to "discovered", so running the import again brings the file back.
 */
export async function deleteFileUsers(db: Kysely<Database>, id: string, now: number): Promise<void> {
  const mediaEvents = db.selectFrom('events').select('id').where('media_id', '=', id);
  await db.deleteFrom('event_labels').where('event_id', 'in', mediaEvents).execute();
  await db.deleteFrom('event_data').where('event_id', 'in', mediaEvents).execute();
  await db.deleteFrom('events').where('media_id', '=', id).execute();
  await db.updateTable('events').set({ thumbnail_file_id: null }).where('thumbnail_file_id', '=', id).execute();
  await db.updateTable('events').set({ clip_file_id: null }).where('clip_file_id', '=', id).execute();
  // A label export's zip can be deleted like any file: the export then says it has no file any more.
  await db.updateTable('label_exports').set({ file_id: null }).where('file_id', '=', id).execute();
  await db.deleteFrom('media').where('id', '=', id).execute();
  await db.deleteFrom('frames').where('file_id', '=', id).execute();
  const analysisIds = (
    await db
      .selectFrom('analyses')
      .select('id')
      .where((eb) => eb.or([eb('file_id', '=', id), eb('id', 'in', eb.selectFrom('analysis_outputs').select('analysis_id').where('file_id', '=', id))]))
      .where('state', 'not in', ACTIVE)
      .execute()
  ).map((r) => r.id);
  if (analysisIds.length > 0) {
    await db.updateTable('events').set({ analysis_id: null }).where('analysis_id', 'in', analysisIds).execute();
    await db.deleteFrom('analysis_outputs').where('analysis_id', 'in', analysisIds).execute();
    await db.deleteFrom('jobs').where('id', 'in', analysisIds).execute();
    await db.deleteFrom('analyses').where('id', 'in', analysisIds).execute();
  }
  await db.deleteFrom('analysis_outputs').where('file_id', '=', id).execute();
  await db
    .updateTable('import_items')
    .set({ state: 'discovered', outcome: null, file_id: null, analysis_id: null, error: 'its file was deleted from the library; run the import again to bring it back', updated_at: now })
    .where('file_id', '=', id)
    .execute();
}

/** Of these file ids, those nothing refers to (no event, media, frame, analysis, import item or labeling asset). */
export async function unusedFiles(db: Kysely<Database>, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const list = [...new Set(ids)];
  const used = new Set<string>();
  const add = (rows: { id: string | null }[]) => rows.forEach((r) => r.id !== null && used.add(r.id));
  add(await db.selectFrom('frames').select('file_id as id').where('file_id', 'in', list).execute());
  add(await db.selectFrom('media').select('id').where('id', 'in', list).execute());
  add(await db.selectFrom('events').select('media_id as id').where('media_id', 'in', list).execute());
  add(await db.selectFrom('events').select('thumbnail_file_id as id').where('thumbnail_file_id', 'in', list).execute());
  add(await db.selectFrom('events').select('clip_file_id as id').where('clip_file_id', 'in', list).execute());
  add(await db.selectFrom('analyses').select('file_id as id').where('file_id', 'in', list).execute());
  add(await db.selectFrom('analysis_outputs').select('file_id as id').where('file_id', 'in', list).execute());
  add(await db.selectFrom('import_items').select('file_id as id').where('file_id', 'in', list).execute());
  add(await db.selectFrom('label_assets').select('file_id as id').where('file_id', 'in', list).execute());
  add(await db.selectFrom('label_asset_frames').select('file_id as id').where('file_id', 'in', list).execute());
  return list.filter((id) => !used.has(id));
}
