import type { ImportRepository } from '../../adapters/db/import.repository.js';
import type { ImportRequest } from '../../domain/import/import-request.js';
import type { LockPort } from '../library-lock.js';
import type { ImportTarget } from './import-target.js';

/** The import job records an import run reads and writes: the library database's, or a camtrove server's. */
export type ImportJobStore = Pick<ImportRepository, 'jobForRequest' | 'getJob' | 'createJob' | 'items' | 'appendItems' | 'rediscover' | 'markFailed' | 'shardStateCounts' | 'recordPosted'>;

/**
 * Where an import keeps its job, takes its lock and puts its files: the local library, or a
 * camtrove server reached through its API (`import --server`). The importer is the same for both.
 */
export interface ImportDestination {
  store: ImportJobStore;
  locks: LockPort;
  /** Where files go unless a hook module sends them elsewhere. */
  target(request: ImportRequest): ImportTarget;
  /** Names the library in messages ("this library", "the library at https://…"). */
  name: string;
}
