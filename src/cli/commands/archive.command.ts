import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { Command } from 'commander';
import { redactUrl } from '../../domain/redact.js';
import { OutDirFrameSink } from '../../adapters/cameras/out-dir-sink.js';
import { CameraHealthRepository } from '../../adapters/db/camera-health.repository.js';
import { systemClock } from '../../adapters/clock.js';
import { validateCamera } from '../../domain/cameras/camera.js';
import { parseCameraList } from '../../domain/cameras/camera-import.js';
import { formatByteSize } from '../../domain/byte-size.js';
import { addMissed, describeMissed, missedTickHints, noMissed, type MissedTickHint, type MissedTickLimits } from '../../domain/cameras/missed-ticks.js';
import { CamtroveError } from '../../domain/errors.js';
import { openArchiver } from '../../archiving.js';
import type { ArchiveTarget, CameraReport } from '../../services/archiver.js';
import { CameraHealthRecorder } from '../../services/camera-health-recorder.js';
import { prepareOutputFolder } from '../output-path.js';
import { addCommonOptions, withLibrary, type CommonOptions } from '../context.js';
import { emit, table } from '../output.js';

interface ArchiveFlags extends CommonOptions {
  camera: string[];
  tag?: string;
  duration: string;
  interval: string;
  out?: string;
  diff: string;
  concurrency: string;
  perHost: string;
  timeout: string;
}

/** How often a run writes camera health to the library: `cameras ls` is this current during a run. */
const HEALTH_FLUSH_MS = 5000;

const collect = (value: string, previous: string[]) => [...previous, value];

export function archiveCommand(): Command {
  return addCommonOptions(
    new Command('archive')
      .description('sample cameras (snapshot, ip, MJPEG, HLS, RTSP) every --interval seconds for --duration seconds and keep their frames')
      .argument('[list]', 'a camera list (camera database format, .json or .csv); or use --camera / --tag for registered cameras')
      .option('--camera <id>', 'a registered camera (repeatable)', collect, [])
      .option('--tag <tag>', 'every enabled registered camera with this tag')
      .option('--duration <s>', 'how long to archive, seconds', '60')
      .option('--interval <s>', 'seconds between frames of one camera', '10')
      .option('--out <dir>', 'also write DIR/<cameraID>/<cameraID>_<UTC time>.<ext> and DIR/<cameraID>/frames.jsonl')
      .option('--diff <pct>', 'keep a frame only when this % of pixels changed since the last kept one (0 keeps all)', '0')
      .option('--concurrency <n>', 'fetches in flight at once (the summary says when this held ticks back)', '64')
      .option('--per-host <n>', 'fetches in flight at once to one host (the summary says when this held ticks back)', '4')
      .option('--timeout <s>', 'deadline of one fetch, seconds', '10'),
  ).action(async (list: string | undefined, flags: ArchiveFlags) => {
    const options = {
      durationMs: seconds('--duration', flags.duration) * 1000,
      intervalMs: seconds('--interval', flags.interval) * 1000,
      diffPct: percent(flags.diff),
      concurrency: count('--concurrency', flags.concurrency),
      perHost: count('--per-host', flags.perHost),
      timeoutMs: seconds('--timeout', flags.timeout) * 1000,
      maxBytes: 32 * 1024 * 1024,
      retries: 2,
    };
    if (!list && flags.camera.length === 0 && !flags.tag) throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', 'name the cameras: a camera list file, --camera ID or --tag TAG');
    const fromList = list ? await listTargets(list) : { targets: [], problems: [] };
    for (const problem of fromList.problems) process.stderr.write(`warning: ${list} row ${problem.row}: ${problem.reason}\n`);
    if (flags.out) await prepareOutputFolder(flags.out, '--out');

    await withLibrary(flags, async (library) => {
      const registered = flags.camera.length > 0 || flags.tag ? await library.cameras.archiveTargets({ ids: flags.camera, tag: flags.tag }) : [];
      const targets = [...fromList.targets, ...registered];
      if (targets.length === 0) throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', 'no camera to archive');
      // The drivers load here, not with the CLI: every other command starts faster without them.
      const { archiver, decoder, close } = await openArchiver({ ...library, clock: systemClock }, { perHost: options.perHost, extraSinks: flags.out ? [new OutDirFrameSink(resolve(flags.out))] : [] });
      await decoder.ready();
      const stop = new AbortController();
      // Every camera waits on it between ticks, and every fetch in flight: far more than Node's warning threshold of 10.
      setMaxListeners(0, stop.signal);
      const interrupt = () => stop.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      const progress = startProgress(targets.length, options.durationMs);
      const health = new CameraHealthRecorder(new CameraHealthRepository(library.database.db), systemClock, new Set(registered.map((t) => t.camera.id)));
      const live: CameraReport[] = [];
      const flusher = setInterval(() => void health.flush(live).catch(() => undefined), HEALTH_FLUSH_MS);
      let reports: CameraReport[];
      try {
        reports = await archiver.run(targets, options, { signal: stop.signal, onFrame: progress.update, onStart: (all) => live.push(...all) });
        await health.flush(reports);
      } finally {
        clearInterval(flusher);
        progress.stop();
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
        await close();
      }
      const silent = reports.filter((r) => r.saved === 0);
      const limits: MissedTickLimits = { intervalMs: options.intervalMs, perHost: options.perHost, concurrency: options.concurrency };
      const hints = missedTickHints(reports.map((r) => ({ host: r.url === null ? '' : new URL(r.url).host, missedBy: r.missedBy, meanLatencyMs: r.meanLatencyMs })), limits);
      const missed = reports.reduce((total, r) => addMissed(total, r.missedBy), noMissed());
      emit(flags.json, { cameras: reports.map(reportJson), missed: { total: reports.reduce((n, r) => n + r.missed, 0), ...missed }, hints, interrupted: stop.signal.aborted }, () => summary(reports, hints, stop.signal.aborted));
      if (silent.length > 0) {
        process.stderr.write(`error: ${silent.length} camera${silent.length === 1 ? '' : 's'} never produced a frame: ${silent.map((r) => r.id).join(', ')}\n`);
        process.exitCode = 1;
      }
    });
  });
}

async function listTargets(path: string): Promise<{ targets: ArchiveTarget[]; problems: { row: number; reason: string }[] }> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  const parsed = parseCameraList(text, extname(path).toLowerCase() === '.csv' ? 'csv' : 'json');
  const problems: { row: number; reason: string }[] = parsed.problems.map(({ row, reason }) => ({ row, reason }));
  const targets: ArchiveTarget[] = [];
  const seen = new Set<string>();
  for (const { row, input } of parsed.cameras) {
    try {
      const { camera, credentials } = validateCamera(input, Date.now());
      if (seen.has(camera.id)) throw new Error(`camera ${camera.id} is listed twice`);
      seen.add(camera.id);
      targets.push({ camera, credentials });
    } catch (error) {
      problems.push({ row, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { targets, problems };
}

/** A camera's report as scripts read it: snake_case, times in ISO 8601. */
function reportJson(r: CameraReport) {
  return {
    id: r.id,
    url: r.url === null ? null : redactUrl(r.url),
    ticks: r.ticks,
    kept: r.saved,
    unchanged: r.unchanged,
    failed: r.failed,
    missed: r.missed,
    missed_by: r.missedBy,
    rested: r.rested,
    bytes: r.bytes,
    mean_latency_ms: r.meanLatencyMs,
    last_success_at: r.lastSuccessAt === null ? null : new Date(r.lastSuccessAt).toISOString(),
    last_error: r.lastError,
  };
}

function summary(reports: CameraReport[], hints: MissedTickHint[], interrupted: boolean): string {
  const rows = reports.map((r) => [r.id, String(r.saved), String(r.unchanged), String(r.failed), String(r.missed), String(r.rested), formatByteSize(r.bytes), r.meanLatencyMs === null ? '-' : `${r.meanLatencyMs} ms`, r.lastError ?? '-']);
  const totals = reports.reduce((t, r) => ({ ticks: t.ticks + r.ticks, saved: t.saved + r.saved, failed: t.failed + r.failed, missed: t.missed + r.missed, bytes: t.bytes + r.bytes }), { ticks: 0, saved: 0, failed: 0, missed: 0, bytes: 0 });
  const missedBy = reports.reduce((total, r) => addMissed(total, r.missedBy), noMissed());
  const missed = totals.missed === 0 ? '0 missed ticks' : `${totals.missed} of ${totals.ticks} ticks missed (${Math.round((totals.missed / totals.ticks) * 100)} %: ${describeMissed(missedBy)})`;
  const line = `${totals.saved} frames kept (${formatByteSize(totals.bytes)}) from ${reports.length} camera${reports.length === 1 ? '' : 's'}; ${totals.failed} failed fetches, ${missed}${interrupted ? '; interrupted' : ''}`;
  return [table(['CAMERA', 'KEPT', 'UNCHANGED', 'FAILED', 'MISSED', 'RESTED', 'BYTES', 'LATENCY', 'LAST ERROR'], rows), line, ...hints.map((h) => `hint: ${h.message}`)].join('\n');
}

/** A status line on a terminal, redrawn at most every second. */
function startProgress(cameras: number, durationMs: number): { update: (report: CameraReport) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const started = Date.now();
  let kept = 0;
  let failed = 0;
  const latest = new Map<string, CameraReport>();
  const draw = () => {
    kept = 0;
    failed = 0;
    for (const r of latest.values()) {
      kept += r.saved;
      failed += r.failed;
    }
    const left = Math.max(0, Math.ceil((durationMs - (Date.now() - started)) / 1000));
    process.stderr.write(`\r${kept} frames kept from ${cameras} cameras, ${failed} failed fetches, ${left} s left   `);
  };
  const timer = setInterval(draw, 1000);
  return {
    update: (report) => void latest.set(report.id, report),
    stop: () => {
      clearInterval(timer);
      process.stderr.write('\n');
    },
  };
}

function seconds(flag: string, value: string): number {
  const parsed = Number(value);
  if (!(Number.isFinite(parsed) && parsed > 0)) throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `${flag} must be a positive number of seconds, not ${JSON.stringify(value)}`);
  return parsed;
}

function count(flag: string, value: string): number {
  const parsed = Number(value);
  if (!(Number.isInteger(parsed) && parsed >= 1 && parsed <= 10_000)) throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `${flag} must be an integer from 1 to 10000, not ${JSON.stringify(value)}`);
  return parsed;
}

function percent(value: string): number {
  const parsed = Number(value);
  if (!(Number.isFinite(parsed) && parsed >= 0 && parsed <= 100)) throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `--diff must be a percentage from 0 to 100, not ${JSON.stringify(value)}`);
  return parsed;
}
