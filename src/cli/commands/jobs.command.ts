import { Command } from 'commander';
import type { ImportJobView, ImportJobViews } from '../../services/import/import.service.js';
import { addCommonOptions, type CommonOptions } from '../context.js';
import { emit, parseLimit, table } from '../output.js';
import { addServerOptions, withLibraryApi, type ServerOptions } from '../remote.js';
import { untilStopped } from '../signals.js';

const WATCH_MS = 1000;
const FINISHED = new Set(['complete', 'complete_with_failures']);

export function jobsCommand(): Command {
  const jobs = new Command('jobs').description('import jobs: list them, and follow one shard by shard; the queue\'s failed jobs: list and retry them');

  serverOptions(jobs.command('ls').description('list import jobs, newest first').option('--limit <n>', 'how many (1-1000)', parseLimit, 100).option('--after <cursor>', 'continue from a previous page'))
    .action(async (options: JobsOptions & { limit: number; after?: string }) => {
      await withJobs(options, async (imports) => {
        const page = await imports.listJobs({ limit: options.limit, after: options.after ?? null });
        emit(options.json, { jobs: page.items, next: page.next }, () =>
          page.items.length === 0
            ? 'no import jobs yet: import a folder with `camtrove import <folder>`'
            : table(['JOB', 'CREATED', 'FILES', 'SHARDS', 'STATUS'], page.items.map((j) => [j.job_id, j.created.slice(0, 19).replace('T', ' '), String(j.item_count), String(j.shard_count), j.status])) +
              (page.next ? `\nmore: camtrove jobs ls --after ${page.next}` : ''),
        );
      });
    });

  serverOptions(jobs.command('show').description('one import job: its status, its shards and its failures').argument('<id>', 'the job id, or a unique prefix of at least 6 characters').option('--watch', 'redraw every second until the job is complete (Ctrl-C stops watching, not the job)'))
    .action(async (id: string, options: JobsOptions & { watch?: boolean }) => {
      await withJobs(options, async (imports) => {
        let view = await imports.getJob(id);
        if (!options.watch) {
          emit(options.json, view, () => jobText(view));
          return;
        }
        let stopping = false;
        let wake: (() => void) | null = null;
        void untilStopped().then(() => {
          stopping = true;
          wake?.();
        });
        let last = '';
        for (;;) {
          const text = options.json ? JSON.stringify(view) : jobText(view);
          if (text !== last) {
            // A terminal is redrawn in place; a pipe gets each new state once.
            if (!options.json && process.stdout.isTTY) process.stdout.write('\x1b[H\x1b[2J');
            process.stdout.write(`${text}\n`);
            last = text;
          }
          if (FINISHED.has(view.status)) return;
          // A timer that keeps the process alive until the next look (or Ctrl-C).
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, WATCH_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          if (stopping) return;
          view = await imports.getJob(id);
        }
      });
    });

  serverOptions(jobs.command('failed').description('the queue\'s failed jobs (analyses, asset preparations, label exports), newest first, with their errors').option('--limit <n>', 'how many (1-1000)', parseLimit, 100).option('--after <cursor>', 'continue from a previous page'))
    .action(async (options: JobsOptions & { limit: number; after?: string }) => {
      await withLibraryApi(options, async (api) => {
        const page = await api.failedJobs.list({ limit: options.limit, after: options.after ?? null });
        emit(options.json, { jobs: page.items, next: page.next }, () =>
          page.items.length === 0
            ? 'no failed jobs'
            : [
                table(['JOB', 'NAME', 'FAILED', 'ATTEMPTS', 'ERROR'], page.items.map((j) => [j.job_id, j.name, j.failed_at.slice(0, 19).replace('T', ' '), `${j.attempts}/${j.max_attempts}`, j.error ?? ''])),
                '',
                ...page.items.map((j) => `${j.job_id}: ${j.retry}`),
                ...(page.next ? [`more: camtrove jobs failed --after ${page.next}`] : []),
              ].join('\n'),
        );
      });
    });

  serverOptions(jobs.command('retry').description('run a failed analysis again, from its first attempt (a worker or `camtrove serve` runs it)').argument('<id>', 'the job id, as `camtrove jobs failed` lists it'))
    .action(async (id: string, options: JobsOptions) => {
      await withLibraryApi(options, async (api) => {
        const job = await api.failedJobs.retry(id);
        emit(options.json, job, () => `job ${job.job_id} (${job.name}) is ${job.state} again: \`camtrove worker\` or \`camtrove serve\` runs it next, and its analysis (GET /api/analyses/${job.job_id}) is PENDING until then`);
      });
    });

  return jobs;
}

type JobsOptions = CommonOptions & ServerOptions;

function serverOptions(command: Command): Command {
  return addServerOptions(addCommonOptions(command), 'the jobs of a camtrove server\'s library');
}

/** The jobs of the local library, or of the server of --server. */
function withJobs(options: JobsOptions, run: (imports: ImportJobViews) => Promise<void>): Promise<void> {
  return withLibraryApi(options, (api) => run(api.jobs));
}

function jobText(view: ImportJobView): string {
  const { request, counts } = view;
  const bar = (done: number, failed: number, total: number, width = 30) => {
    const filled = total === 0 ? width : Math.round(((done + failed) / total) * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  };
  const span = request.earliest_date ? `${request.earliest_date} … ${request.latest_date}` : 'no capture times yet';
  const lines = [
    `job ${view.job_id}: ${view.status}`,
    `  ${bar(counts.done, counts.failed, counts.item_count)} ${counts.done} done, ${counts.failed} failed of ${counts.item_count} files`,
    `  folders: ${request.folders.join(', ')}`,
    `  cameras: ${request.cameras.length === 0 ? '-' : request.cameras.join(', ')}`,
    `  captured: ${span}`,
    `  segmentation: ${request.segment ? 'yes' : 'no'}; created ${view.created}, updated ${view.updated}`,
    '',
    table(['SHARD', 'FILES', 'STATUS', 'DONE', 'FAILED', ''], Object.entries(view.shard_map).map(([shard, s]) => [shard, String(s.item_count), s.status, String(s.done), String(s.failed), bar(s.done, s.failed, s.item_count, 20)])),
  ];
  if (view.errors.length > 0) lines.push('', 'failed:', ...view.errors.map((e) => `  ${e.path}: ${e.reason}`));
  return lines.join('\n');
}
