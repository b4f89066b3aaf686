import type { Page } from '../adapters/db/pagination.js';
import type { FailedJob, JobQueue, JobRecord } from '../adapters/queue/job-queue.js';
import { CamtroveError } from '../domain/errors.js';
import type { AnalysisService } from './analysis.service.js';
import { PREPARE_ASSET_JOB } from './labeling/asset.service.js';
import { EXPORT_LABELS_JOB } from './labeling/label-export.service.js';

/** A failed job as the API and `camtrove jobs failed` show it. */
export interface FailedJobView {
  job_id: string;
  /** The analysis it ran (probe, segment, …), or prepare-asset, export-labels. */
  name: string;
  attempts: number;
  max_attempts: number;
  error: string | null;
  queued_at: string;
  failed_at: string;
  /** How to run it again: `camtrove jobs retry`, or what to do when the queue cannot. */
  retry: string;
}

/** What the queue cannot retry by itself: the record that owns the job decides, and says how. */
const RETRIED_ELSEWHERE: Readonly<Record<string, (payload: Record<string, unknown>) => string>> = {
  [PREPARE_ASSET_JOB]: (payload) => `asset ${String(payload.assetId)} was not prepared: delete the asset and add it again`,
  [EXPORT_LABELS_JOB]: (payload) => `label export ${String(payload.exportId)} failed: start the export again (POST /api/projects/{id}/exports)`,
};

/** How to run a failed job again, or null when `camtrove jobs retry` does it. */
function retriedElsewhere(job: JobRecord): string | null {
  return RETRIED_ELSEWHERE[job.name]?.((job.payload ?? {}) as Record<string, unknown>) ?? null;
}

/**
 * The queue's failed jobs: listed newest first, and run again. An analysis's job is retried with
 * its analysis (back to PENDING, every attempt again); the jobs of other records are retried
 * through those records.
 */
export class FailedJobService {
  constructor(
    private readonly queue: JobQueue,
    private readonly analyses: AnalysisService,
  ) {}

  async list(page: { limit: number; after?: string | null }): Promise<Page<FailedJobView>> {
    const found = await this.queue.failed(page);
    return { items: found.items.map(view), next: found.next };
  }

  /** Runs a failed analysis's job again; returns the job as the queue now has it. */
  async retry(id: string): Promise<{ job_id: string; name: string; state: string }> {
    const job = await this.queue.get(id);
    if (!job) throw new CamtroveError('CAMTROVE_ERR_JOB_NOT_FOUND', `the queue has no job ${JSON.stringify(id)}; \`camtrove jobs failed\` lists the failed ones`);
    if (job.state !== 'failed') throw new CamtroveError('CAMTROVE_ERR_JOB_NOT_RETRYABLE', `job ${id} (${job.name}) is ${job.state}, not failed: only a failed job is retried`);
    const elsewhere = retriedElsewhere(job);
    if (elsewhere) throw new CamtroveError('CAMTROVE_ERR_JOB_NOT_RETRYABLE', `job ${id} (${job.name}) is not retried from the queue: ${elsewhere}`);
    await this.analyses.retry(id);
    const now = await this.queue.get(id);
    return { job_id: id, name: job.name, state: now?.state ?? 'waiting' };
  }
}

function view(job: FailedJob): FailedJobView {
  return {
    job_id: job.id,
    name: job.name,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    error: job.lastError,
    queued_at: new Date(job.createdAt).toISOString(),
    failed_at: new Date(job.finishedAt).toISOString(),
    retry: retriedElsewhere(job) ?? `camtrove jobs retry ${job.id}`,
  };
}
