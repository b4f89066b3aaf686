import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../adapters/clock.js';
import type { AnalysisRepository } from '../adapters/db/analysis.repository.js';
import type { MediaTools } from '../adapters/media/ffmpeg.js';
import type { JobQueue, QueueWorker, RunningJob } from '../adapters/queue/job-queue.js';
import type { AnalysisContext } from '../analyses/analysis.js';
import type { AnalysisRegistry } from '../analyses/analysis-registry.js';
import type { BackoffPolicy } from '../domain/backoff.js';
import type { CamtroveError } from '../domain/errors.js';
import { taggedName } from '../domain/process-owner.js';
import type { VideoInfo } from '../domain/video-info.js';
import type { AnalysisJobPayload } from './analysis.service.js';
import type { FileService } from './file.service.js';

export interface RunnerSettings {
  concurrency: { default: number; byAnalysis: Readonly<Record<string, number>> };
  leaseMs: number;
  heartbeatMs: number;
  pollMs: number;
  timeoutMs: number;
  backoff: BackoffPolicy;
  /** Scratch space on the same file system as the blob store. */
  workRoot: string;
  /** This process (domain/process-owner.ts), in the name of each work folder. */
  ownerTag: string;
}

/** Progress is written at most this often; the final state is always written. */
const PROGRESS_INTERVAL_MS = 500;

/**
 * The worker side of analyses: takes analysis jobs from the queue, runs the analysis, and records
 * each transition. Safe to run twice: a finished analysis is skipped and only the first result lands.
 */
export class AnalysisRunner {
  constructor(
    private readonly registry: AnalysisRegistry,
    private readonly analyses: AnalysisRepository,
    private readonly files: FileService,
    private readonly queue: JobQueue,
    private readonly media: MediaTools,
    private readonly segmentation: Pick<AnalysisContext<unknown>, 'segmenter' | 'segmentations'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(settings: RunnerSettings): QueueWorker {
    const concurrency = Object.fromEntries(this.names().map((name) => [name, settings.concurrency.byAnalysis[name] ?? settings.concurrency.default]));
    return this.queue.startWorker({
      concurrency,
      handle: (job) => this.run(job, settings.workRoot, settings.ownerTag),
      onFailed: (job, error) => this.recordFailure(job, error),
      onRetry: async (job, error, delayMs) => {
        this.logger.warn({ analysisId: job.id, analysis: job.name, attempt: job.attempt, code: error.code, retryInMs: delayMs }, `analysis failed, will retry: ${error.message}`);
        await this.analyses.markRetrying(analysisIdOf(job), error, this.clock.now());
      },
      leaseMs: settings.leaseMs,
      heartbeatMs: settings.heartbeatMs,
      pollMs: settings.pollMs,
      timeoutMs: settings.timeoutMs,
      backoff: settings.backoff,
      onError: (error) => this.logger.error({ err: error }, 'queue worker error'),
    });
  }

  private names(): string[] {
    return [...this.registry.keys()];
  }

  private async run(job: RunningJob, workRoot: string, ownerTag: string): Promise<void> {
    const analysisId = analysisIdOf(job);
    const record = await this.analyses.get(analysisId);
    const definition = this.registry.get(job.name);
    if (!record || !definition) return; // deleted, or an analysis this build does not have
    if (!(await this.analyses.markStarted(analysisId, job.attempt, this.clock.now()))) return; // already finished
    const log = this.logger.child({ analysisId, analysis: job.name, attempt: job.attempt });
    log.info('analysis started');
    // The owner tag in the name lets a later start-up remove it should this process be killed.
    const workDir = join(workRoot, taggedName(`${analysisId}-${job.attempt}`, ownerTag));
    await mkdir(workDir, { recursive: true });
    const copy = record.fileId ? await this.files.localCopy(record.fileId) : null;
    try {
      let probed: Promise<VideoInfo> | null = null;
      const context: AnalysisContext<Record<string, unknown>> = {
        analysisId,
        params: record.params,
        model: record.model,
        input: copy && record.fileId ? { fileId: record.fileId, path: copy.path } : null,
        media: this.media,
        ...this.segmentation,
        probe: () => {
          if (!copy) throw new Error(`analysis ${job.name} has no input to probe`);
          probed ??= this.media.probe(copy.path, job.signal);
          return probed;
        },
        workDir,
        storeFile: async (path, meta) => (await this.files.addFromPath(path, { ...meta, outputOf: analysisId })).file.id,
        progress: this.progressReporter(analysisId),
        signal: job.signal,
      };
      const started = this.clock.now();
      const result = await definition.run(context);
      job.signal.throwIfAborted();
      if (await this.analyses.markSucceeded(analysisId, result, this.clock.now())) {
        log.info({ ms: this.clock.now() - started }, 'analysis succeeded');
      }
    } finally {
      await copy?.release();
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private async recordFailure(job: RunningJob, error: CamtroveError): Promise<void> {
    this.logger.warn({ analysisId: job.id, analysis: job.name, attempt: job.attempt, code: error.code }, `analysis failed: ${error.message}`);
    await this.analyses.markFailed(analysisIdOf(job), error, this.clock.now());
  }

  private progressReporter(analysisId: string): (fraction: number) => void {
    let lastWrite = 0;
    let pending: Promise<void> = Promise.resolve();
    return (fraction) => {
      const now = this.clock.now();
      if (now - lastWrite < PROGRESS_INTERVAL_MS && fraction < 1) return;
      lastWrite = now;
      const value = Math.max(0, Math.min(1, fraction));
      // Writes are chained so that an older value never lands after a newer one.
      pending = pending.then(() => this.analyses.setProgress(analysisId, value, now)).catch((error: unknown) => this.logger.warn({ err: error }, 'progress update failed'));
    };
  }
}

function analysisIdOf(job: RunningJob): string {
  return (job.payload as AnalysisJobPayload).analysisId;
}
