import type { Kysely, Selectable } from 'kysely';
import { idsWithPrefix } from './pagination.js';
import { inTransaction } from './database.js';
import type { Database, LabelProjectsTable } from './schema.js';

export interface ProjectRecord {
  id: string;
  title: string;
  description: string;
  inputType: string;
  jsonInterface: unknown;
  createdAt: number;
  updatedAt: number;
}

/** Labeling projects: a title, an input type and the interface (jobs and categories) labels follow. */
export class LabelProjectRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(project: ProjectRecord): Promise<void> {
    await this.db.insertInto('label_projects').values(row(project)).execute();
  }

  /** Ids starting with `prefix`, at most `limit` of them. */
  idsWithPrefix(prefix: string, limit: number): Promise<string[]> {
    return idsWithPrefix(this.db, 'label_projects', prefix, limit);
  }

  async get(id: string): Promise<ProjectRecord | null> {
    const found = await this.db.selectFrom('label_projects').selectAll().where('id', '=', id).executeTakeFirst();
    return found ? record(found) : null;
  }

  /** Projects in the order they were made. */
  async list(page: { first: number; skip: number }): Promise<ProjectRecord[]> {
    const rows = await this.db.selectFrom('label_projects').selectAll().orderBy('created_at').orderBy('id').limit(page.first).offset(page.skip).execute();
    return rows.map(record);
  }

  async count(): Promise<number> {
    const { n } = await this.db.selectFrom('label_projects').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Asset counts of these projects (projects without assets are absent). */
  async assetCounts(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('label_assets')
      .select(['project_id', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('project_id', 'in', [...ids])
      .groupBy('project_id')
      .execute();
    return new Map(rows.map((r) => [r.project_id, Number(r.n)]));
  }

  async update(project: ProjectRecord): Promise<void> {
    const { id: _id, created_at: _created, ...changes } = row(project);
    await this.db.updateTable('label_projects').set(changes).where('id', '=', project.id).execute();
  }

  /**
   * Deletes a project with its labels, exports, assets, their frames and metadata rows, in one transaction.
   * Returns the ids of the files the frames were cut into and the exports' zips, for the caller to let go of when nothing else uses them.
   */
  async delete(id: string): Promise<{ assets: number; frameFileIds: string[] }> {
    return inTransaction(this.db, async (trx) => {
      const assets = trx.selectFrom('label_assets').select('id').where('project_id', '=', id);
      const files = await trx.selectFrom('label_asset_frames').select('file_id').distinct().where('asset_id', 'in', assets).where('file_id', 'is not', null).execute();
      files.push(...(await trx.selectFrom('label_exports').select('file_id').where('project_id', '=', id).where('file_id', 'is not', null).execute()));
      await trx.deleteFrom('label_exports').where('project_id', '=', id).execute();
      const labels = trx.selectFrom('labels').select('id').where('project_id', '=', id);
      await trx.deleteFrom('label_keys').where('label_id', 'in', labels).execute();
      await trx.deleteFrom('label_tracks').where('label_id', 'in', labels).execute();
      await trx.deleteFrom('labels').where('project_id', '=', id).execute();
      await trx.deleteFrom('label_asset_frames').where('asset_id', 'in', assets).execute();
      await trx.deleteFrom('label_asset_metadata').where('asset_id', 'in', assets).execute();
      const deleted = await trx.deleteFrom('label_assets').where('project_id', '=', id).executeTakeFirst();
      await trx.deleteFrom('label_projects').where('id', '=', id).execute();
      return { assets: Number(deleted.numDeletedRows), frameFileIds: files.map((f) => f.file_id).filter((f): f is string => f !== null) };
    });
  }
}

function row(project: ProjectRecord): Selectable<LabelProjectsTable> {
  return {
    id: project.id,
    title: project.title,
    description: project.description,
    input_type: project.inputType,
    json_interface: JSON.stringify(project.jsonInterface),
    created_at: project.createdAt,
    updated_at: project.updatedAt,
  };
}

function record(r: Selectable<LabelProjectsTable>): ProjectRecord {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    inputType: r.input_type,
    jsonInterface: JSON.parse(r.json_interface) as unknown,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
