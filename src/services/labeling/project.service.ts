import type { Clock } from '../../adapters/clock.js';
import type { LabelProjectRepository, ProjectRecord } from '../../adapters/db/label-project.repository.js';
import { CamtroveError } from '../../domain/errors.js';
import { newAnalysisId, notFoundError, resolveId } from '../../domain/ids.js';
import type { LabelRepository } from '../../adapters/db/label.repository.js';
import { INPUT_TYPES, orphanedBy, validateJsonInterface, type InputType } from '../../domain/labeling/json-interface.js';
import type { FileService } from '../file.service.js';

export interface ProjectInput {
  title?: unknown;
  description?: unknown;
  inputType?: unknown;
  jsonInterface?: unknown;
}

export interface ProjectView extends ProjectRecord {
  numberOfAssets: number;
}

/** Pages of projects: at most this many at once. */
export const MAX_PAGE = 1000;

/** Labeling projects: create, read, change and delete them. */
export class ProjectService {
  constructor(
    private readonly projects: LabelProjectRepository,
    private readonly files: Pick<FileService, 'dropUnused'>,
    private readonly clock: Clock,
    private readonly labels: Pick<LabelRepository, 'usedJobsAndCategories'>,
  ) {}

  async create(input: ProjectInput): Promise<{ id: string }> {
    const title = requiredText(input.title, 'title');
    if (input.inputType === undefined || input.jsonInterface === undefined) {
      throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `a project needs ${input.inputType === undefined ? 'an inputType (VIDEO or IMAGE)' : 'a jsonInterface'}`);
    }
    const now = this.clock.now();
    const project: ProjectRecord = {
      id: newAnalysisId(),
      title,
      description: optionalText(input.description, 'description') ?? '',
      inputType: inputType(input.inputType),
      jsonInterface: validateJsonInterface(input.jsonInterface),
      createdAt: now,
      updatedAt: now,
    };
    await this.projects.insert(project);
    return { id: project.id };
  }

  /** The project with this id or unique prefix. */
  async get(idOrPrefix: string): Promise<ProjectView> {
    const project = await this.find(idOrPrefix);
    return (await this.withCounts([project]))[0]!;
  }

  /** Projects in the order they were made; one when projectId is given. */
  async list(options: { projectId?: string; first?: number; skip?: number }): Promise<ProjectView[]> {
    if (options.projectId !== undefined) return [await this.get(options.projectId)];
    const rows = await this.projects.list(page(options));
    return this.withCounts(rows);
  }

  count(): Promise<number> {
    return this.projects.count();
  }

  /** Changes the title, description or interface; the input type is fixed once assets exist. */
  async update(idOrPrefix: string, input: ProjectInput): Promise<ProjectView> {
    const project = await this.find(idOrPrefix);
    const next: ProjectRecord = { ...project, updatedAt: this.clock.now() };
    if (input.title !== undefined) next.title = requiredText(input.title, 'title');
    if (input.description !== undefined) next.description = optionalText(input.description, 'description') ?? '';
    if (input.jsonInterface !== undefined) {
      const jsonInterface = validateJsonInterface(input.jsonInterface);
      const orphaned = orphanedBy(jsonInterface, await this.labels.usedJobsAndCategories(project.id));
      if (orphaned.length > 0) {
        const names = orphaned.slice(0, 10).map((o) => (o.category === null ? `job ${o.job}` : `category ${o.category} of job ${o.job}`));
        throw new CamtroveError('CAMTROVE_ERR_INTERFACE_IN_USE', `jsonInterface: labels of project ${project.id} use ${names.join(', ')}${orphaned.length > 10 ? ` and ${orphaned.length - 10} more` : ''}, which the new interface removes; delete those labels first, or keep them in the interface`);
      }
      next.jsonInterface = jsonInterface;
    }
    if (input.inputType !== undefined) {
      next.inputType = inputType(input.inputType);
      const counts = await this.projects.assetCounts([project.id]);
      if (next.inputType !== project.inputType && (counts.get(project.id) ?? 0) > 0) {
        throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `inputType: project ${project.id} has assets already; its input type stays ${project.inputType}`);
      }
    }
    await this.projects.update(next);
    return this.get(project.id);
  }

  /** Deletes the project, its assets and their frames; the frames cut from videos go from the library too. */
  async delete(idOrPrefix: string): Promise<{ id: string; deletedAssets: number }> {
    const project = await this.find(idOrPrefix);
    const { assets, frameFileIds } = await this.projects.delete(project.id);
    await this.files.dropUnused(frameFileIds);
    return { id: project.id, deletedAssets: assets };
  }

  /** The stored project, or PROJECT_NOT_FOUND. */
  async find(idOrPrefix: string): Promise<ProjectRecord> {
    const id = await resolveId('project', idOrPrefix, { withPrefix: (prefix, limit) => this.projects.idsWithPrefix(prefix, limit) });
    const project = await this.projects.get(id);
    if (!project) throw notFoundError('project', id);
    return project;
  }

  private async withCounts(rows: readonly ProjectRecord[]): Promise<ProjectView[]> {
    const counts = await this.projects.assetCounts(rows.map((r) => r.id));
    return rows.map((r) => ({ ...r, numberOfAssets: counts.get(r.id) ?? 0 }));
  }
}

/** `first` (default 100, at most MAX_PAGE) and `skip` (default 0), checked. */
export function page(options: { first?: number; skip?: number }, defaultFirst = 100): { first: number; skip: number } {
  const first = options.first ?? defaultFirst;
  const skip = options.skip ?? 0;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', `first: give a whole number from 0 to ${MAX_PAGE} (got ${String(first)})`);
  if (!Number.isInteger(skip) || skip < 0) throw new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', `skip: give a whole number from 0 (got ${String(skip)})`);
  return { first, skip };
}

function inputType(value: unknown): InputType {
  if (typeof value === 'string' && (INPUT_TYPES as readonly string[]).includes(value)) return value as InputType;
  throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `inputType: ${JSON.stringify(value)} is not one of ${INPUT_TYPES.join(', ')}`);
}

function requiredText(value: unknown, name: string): string {
  const text = optionalText(value, name);
  if (!text || text.trim() === '') throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `${name}: a project needs a non-empty ${name}`);
  return text;
}

function optionalText(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `${name}: expected text, got ${typeof value}`);
  if (value.length > 10_000) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `${name}: at most 10000 characters`);
  return value;
}
