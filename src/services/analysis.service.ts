import type { Clock } from '../adapters/clock.js';
import type { AnalysisRecord, AnalysisRepository } from '../adapters/db/analysis.repository.js';
import type { Page } from '../adapters/db/pagination.js';
import type { JobQueue, JobRecord } from '../adapters/queue/job-queue.js';
import type { AnalysisRegistry } from '../analyses/analysis-registry.js';
import type { AnalysisState } from '../domain/analysis-state.js';
import { isFinished } from '../domain/analysis-state.js';
import { CamtroveError } from '../domain/errors.js';
import { newAnalysisId, notFoundError, resolveId } from '../domain/ids.js';
import { validateParams } from './analysis-params.js';
import type { FileService } from './file.service.js';

export interface StartAnalysisInput {
  analysis: string;
  fileId?: string | null;
  model?: string | null;
  params?: Record<string, unknown>;
}

/** The payload of an analysis job: the id only, so a job is safe to run twice. */
export interface AnalysisJobPayload {
  analysisId: string;
}

/** How long a mismatch between an analysis and its job must last before reconcile acts on it. */
export const RECONCILE_GRACE_MS = 30_000;

/** Starting, reading and cancelling analyses. Running them is AnalysisRunner's job. */
export class AnalysisService {
  constructor(
    private readonly registry: AnalysisRegistry,
    private readonly analyses: AnalysisRepository,
    private readonly files: FileService,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    private readonly maxAttempts: number,
  ) {}

  get names(): string[] {
    return [...this.registry.keys()];
  }

  async start(input: StartAnalysisInput): Promise<AnalysisRecord> {
    const definition = this.registry.get(input.analysis);
    if (!definition) {
      throw new CamtroveError('CAMTROVE_ERR_UNKNOWN_ANALYSIS', `unknown analysis "${input.analysis}"; available: ${this.names.join(', ')}`);
    }
    const model = this.pickModel(input.analysis, input.model ?? null);
    const params = validateParams(definition.name, definition.params, input.params ?? {}, definition.checkParams?.bind(definition));
    let fileId: string | null = null;
    if (definition.input === 'media') {
      if (!input.fileId) throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `analysis ${definition.name} needs a file_id`);
      fileId = (await this.files.resolve(input.fileId)).id;
    } else if (input.fileId) {
      fileId = (await this.files.resolve(input.fileId)).id;
    }
    const id = newAnalysisId();
    await this.analyses.insert({ id, fileId, analysis: definition.name, model, params, now: this.clock.now() });
    await this.enqueue(id, definition.name);
    const record = await this.analyses.get(id);
    if (!record) throw new Error(`analysis ${id} vanished right after insert`);
    return record;
  }

  /**
   * Starts the analysis on a file unless one is already pending, running or done (an import run
   * again, or a second copy of the same bytes, must not segment a file twice). Returns its id.
   */
  async ensureStarted(analysis: string, fileId: string): Promise<string> {
    return (await this.analyses.latestLive(fileId, analysis)) ?? (await this.start({ analysis, fileId })).id;
  }

  /**
   * Enqueues every PENDING analysis again. Enqueueing is idempotent by id, so this only repairs
   * analyses whose process stopped between saving the analysis and enqueueing its job.
   */
  async requeuePending(): Promise<number> {
    let after: string | null = null;
    let count = 0;
    do {
      const page: Page<AnalysisRecord> = await this.analyses.list({ limit: 500, after, state: 'PENDING' });
      for (const analysis of page.items) {
        await this.enqueue(analysis.id, analysis.analysis);
        count += 1;
      }
      after = page.next;
    } while (after);
    return count;
  }

  /**
   * Brings unfinished analyses in line with their jobs, for what a crash can leave between the two
   * stores: a PENDING analysis without a job is queued, or retried when its job failed (a retry was
   * being set up); a STARTED one whose job failed, was cancelled or is gone ends the same way instead
   * of showing STARTED for ever. A mismatch is acted on only if it is still there, unchanged, after
   * `graceMs`: a worker records an outcome a moment after its job ends, and that record wins.
   * Aborting `signal` (a process shutting down) ends the wait with nothing done.
   */
  async reconcile(options: { graceMs?: number; signal?: AbortSignal } = {}): Promise<{ requeued: number; ended: number }> {
    const suspects: { analysis: AnalysisRecord; job: JobRecord | null }[] = [];
    for (const state of ['PENDING', 'STARTED'] as const) {
      let after: string | null = null;
      do {
        const page: Page<AnalysisRecord> = await this.analyses.list({ limit: 500, after, state });
        for (const analysis of page.items) {
          const job = await this.queue.get(analysis.id);
          if (job === null || job.state === 'failed' || (state === 'STARTED' && job.state === 'cancelled')) suspects.push({ analysis, job });
        }
        after = page.next;
      } while (after);
    }
    if (suspects.length === 0) return { requeued: 0, ended: 0 };
    await this.clock.sleep(options.graceMs ?? RECONCILE_GRACE_MS, options.signal);
    let requeued = 0;
    let ended = 0;
    for (const { analysis, job } of suspects) {
      const now = await this.analyses.get(analysis.id);
      if (!now || now.state !== analysis.state || now.updatedAt !== analysis.updatedAt) continue;
      if (analysis.state === 'PENDING') {
        if (job === null) await this.enqueue(analysis.id, analysis.analysis);
        else await this.queue.retry(analysis.id);
        requeued += 1;
        continue;
      }
      const at = this.clock.now();
      const ends =
        job?.state === 'cancelled'
          ? this.analyses.markCancelled(analysis.id, at)
          : this.analyses.markFailed(analysis.id, { code: 'CAMTROVE_ERR_WORKER_LOST', message: job ? `its job failed: ${job.lastError ?? 'no reason recorded'}` : 'its job is no longer in the queue; run it again' }, at);
      ended += Number(await ends);
    }
    return { requeued, ended };
  }

  async get(idOrPrefix: string): Promise<AnalysisRecord> {
    // A full id (what pollers send) needs no prefix lookup.
    const id = await resolveId('analysis', idOrPrefix, { withPrefix: (prefix, limit) => this.analyses.idsWithPrefix(prefix, limit) });
    const record = await this.analyses.get(id);
    if (!record) throw notFoundError('analysis', id);
    return record;
  }

  list(options: { limit: number; after?: string | null; state?: AnalysisState; fileId?: string }): Promise<Page<AnalysisRecord>> {
    return this.analyses.list(options);
  }

  /** Cancels a pending or running analysis (a running ffmpeg is stopped). */
  async cancel(idOrPrefix: string): Promise<AnalysisRecord> {
    const record = await this.get(idOrPrefix);
    if (isFinished(record.state)) {
      throw new CamtroveError('CAMTROVE_ERR_ANALYSIS_FINISHED', `analysis ${record.id} already finished (${record.state}); there is nothing to cancel`);
    }
    await this.analyses.markCancelled(record.id, this.clock.now());
    await this.queue.cancel(record.id);
    return this.get(record.id);
  }

  /**
   * Runs a failed analysis again, with all its attempts: PENDING first, then its job back in the
   * queue (queued anew when the queue no longer has it). A crash between the two leaves it PENDING
   * with a failed job, which reconcile retries.
   */
  async retry(idOrPrefix: string): Promise<AnalysisRecord> {
    const record = await this.get(idOrPrefix);
    if (!(await this.analyses.markPendingAgain(record.id, this.clock.now()))) {
      throw new CamtroveError('CAMTROVE_ERR_JOB_NOT_RETRYABLE', `analysis ${record.id} is ${record.state}, not failed: only a failed analysis is retried`);
    }
    if (!(await this.queue.retry(record.id))) await this.enqueue(record.id, record.analysis);
    return this.get(record.id);
  }

  private pickModel(analysis: string, model: string | null): string | null {
    const models = this.registry.get(analysis)?.models;
    if (!models) {
      if (model) throw new CamtroveError('CAMTROVE_ERR_UNKNOWN_MODEL', `analysis ${analysis} has no models, but model "${model}" was given`);
      return null;
    }
    if (!model) return models.default;
    if (!models.names.includes(model)) {
      throw new CamtroveError('CAMTROVE_ERR_UNKNOWN_MODEL', `unknown model "${model}" for analysis ${analysis}; available: ${models.names.join(', ')}`);
    }
    return model;
  }

  private enqueue(id: string, name: string): Promise<void> {
    const payload: AnalysisJobPayload = { analysisId: id };
    return this.queue.enqueue({ id, name, payload, maxAttempts: this.maxAttempts });
  }
}
