import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { parseExportFormat } from '../../domain/events/event-export.js';
import type { EventQueryInput } from '../../domain/events/event-query.js';
import { CamtroveError } from '../../domain/errors.js';
import type { EventView } from '../../services/event.service.js';
import { addCommonOptions, type CommonOptions } from '../context.js';
import { checkOutputFile } from '../output-path.js';
import { emit, table } from '../output.js';
import { addServerOptions, withLibraryApi, type ServerOptions } from '../remote.js';

const collect = (value: string, previous: string[]) => [...previous, value];

export interface FilterFlags extends CommonOptions, ServerOptions {
  camera: string[];
  from?: string;
  to?: string;
  media?: string;
  job?: string;
  minScore?: string;
  minDuration?: string;
  maxDuration?: string;
  direction?: string;
  color: string[];
  zone: string[];
  label: string[];
  labelMatch?: string;
  roi?: string;
}

/** The filters of `events ls`, the same as GET /api/events's. */
export function addFilterOptions(command: Command): Command {
  return withOptions(command)
    .option('--camera <id>', 'a camera (repeatable)', collect, [])
    .option('--from <time>', 'events that end after this time: UTC ISO 8601 (2026-11-30T08:00:00Z) or a date')
    .option('--to <time>', 'events that start before this time')
    .option('--media <file id>', 'only this media item\'s events (its file id, or a unique prefix)')
    .option('--job <id>', 'only events of the files of this import job (its id, or a unique prefix)')
    .option('--min-score <n>', 'score at least this (0-1)')
    .option('--min-duration <s>', 'seconds, at least')
    .option('--max-duration <s>', 'seconds, at most')
    .option('--direction <dir>', 'direction of travel: N, NE, … NW (or north, left…), or degrees clockwise from up such as 45-135')
    .option('--color <name>', 'a dominant colour: black, white, grey, red, orange, yellow, green, cyan, blue, purple, pink, brown (repeatable: any)', collect, [])
    .option('--zone <name>', 'a zone the event touched (repeatable: any)', collect, [])
    .option('--label <name>', 'a label (repeatable)', collect, [])
    .option('--label-match <any|all>', 'with several labels: events with any of them (default) or all')
    .option('--roi <x,y,w,h>', 'events that moved in this region: fractions of the frame from its top left (0.5,0,0.5,0.5 is the top right quarter)');
}

export function filterInput(flags: FilterFlags): EventQueryInput {
  return {
    camera: flags.camera,
    from: flags.from,
    to: flags.to,
    media: flags.media,
    job: flags.job,
    min_score: flags.minScore,
    min_duration: flags.minDuration,
    max_duration: flags.maxDuration,
    direction: flags.direction,
    color: flags.color,
    zone: flags.zone,
    label: flags.label,
    label_match: flags.labelMatch,
    roi: flags.roi,
  };
}

export function eventsCommand(): Command {
  const events = new Command('events').description('motion events across the library (or a camtrove server\'s, with --server): search them, show one, label them');

  addFilterOptions(events.command('ls').description('search motion events (every filter applies); the same search as GET /api/events'))
    .option('--sort <order>', 'time (oldest first), -time (newest first) or score (best first)', 'time')
    .option('--limit <n>', 'events per page (1-1000)', '100')
    .option('--after <cursor>', 'continue from a previous page')
    .action(async (flags: FilterFlags & { sort: string; limit: string; after?: string }) => {
      await withLibraryApi(flags, async (api) => {
        const page = await api.events.search({ ...filterInput(flags), sort: flags.sort, limit: flags.limit, after: flags.after });
        emit(flags.json, page, () => listText(page.events, page.next));
      });
    });

  withOptions(events.command('show').description('one event: when, which camera, how long, score, labels, direction, its files (--json: the whole record, with its track, trajectory and heatmap)').argument('<id>', EVENT_ID))
    .action(async (id: string, flags: EventFlags) => {
      await withLibraryApi(flags, async (api) => {
        const event = await api.events.get(id);
        emit(flags.json, event, () => eventText(event));
      });
    });

  withOptions(events.command('label').description('label an event (again with the same name: change its score)').argument('<id>', EVENT_ID).argument('<name>', 'the label').option('--score <n>', 'how sure, 0-1'))
    .action(async (id: string, name: string, flags: EventFlags & { score?: string }) => {
      await withLibraryApi(flags, async (api) => {
        const event = await api.events.addLabel(id, { name, score: score(flags.score) });
        emit(flags.json, event, () => `event ${event.id}: ${labelsText(event)}`);
      });
    });

  withOptions(events.command('unlabel').description('take a label off an event').argument('<id>', EVENT_ID).argument('<name>', 'the label'))
    .action(async (id: string, name: string, flags: EventFlags) => {
      await withLibraryApi(flags, async (api) => {
        const result = await api.events.removeLabel(id, name);
        emit(flags.json, result, () => (result.removed ? `removed ${JSON.stringify(name)} from event ${id}` : `event ${id} had no label ${JSON.stringify(name)}`));
      });
    });

  addFilterOptions(events.command('label-matching').description('label every event the filters match (at least one filter, or --all)').argument('<name>', 'the label'))
    .option('--score <n>', 'how sure, 0-1')
    .option('--all', 'with no filter: label every event in the library')
    .action(async (name: string, flags: FilterFlags & { score?: string; all?: boolean }) => {
      await withLibraryApi(flags, async (api) => {
        const result = await api.events.labelMatching({ ...filterInput(flags), all: flags.all }, { name, score: score(flags.score) });
        emit(flags.json, result, () => `labelled ${result.labelled} events ${JSON.stringify(name)}`);
      });
    });

  addFilterOptions(events.command('export').description('export every event the filters match, streamed: json, jsonl, csv or xml (see docs/export.md)'))
    .option('--format <format>', 'json, jsonl, csv or xml', 'json')
    .option('--sort <order>', 'time (oldest first), -time (newest first) or score (best first)', 'time')
    .option('--by-date', 'instead: the labels grouped by day, for one camera (JSON)')
    .option('-o, --output <file>', 'write to FILE (written whole, then renamed into place) instead of standard output')
    .action(async (flags: FilterFlags & { format: string; sort: string; byDate?: boolean; output?: string }) => {
      const format = parseExportFormat(flags.format);
      if (flags.output) await checkOutputFile(flags.output, '-o');
      await withLibraryApi(flags, async (api) => {
        const exported = await api.events.export({ ...filterInput(flags), sort: flags.sort }, flags.byDate ? 'by-date' : format);
        const source = Readable.from(exported.pieces);
        if (!flags.output) {
          try {
            await pipeline(source, process.stdout, { end: false });
          } catch (error) {
            // The reader stopped reading (`| head`): the export ends there, as other tools do.
            if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
          }
          return;
        }
        const partial = `${flags.output}.part`;
        try {
          await pipeline(source, createWriteStream(partial));
          await rename(partial, flags.output);
        } catch (error) {
          await rm(partial, { force: true });
          throw error;
        }
        const count = exported.count();
        process.stderr.write(flags.byDate ? `wrote the labels by day to ${flags.output}\n` : `exported ${count === null ? 'the' : count} events to ${flags.output}\n`);
      });
    });

  return events;
}

const EVENT_ID = 'the event id, or a unique prefix of at least 6 characters';

type EventFlags = CommonOptions & ServerOptions;

function withOptions(command: Command): Command {
  return addServerOptions(addCommonOptions(command), 'the events of a camtrove server\'s library');
}

function score(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', `score: ${JSON.stringify(value)} is not a number from 0 to 1`);
  return n;
}

function labelsText(event: EventView): string {
  const labels = (event.labels ?? []) as { name: string; score: number | null }[];
  return labels.length === 0 ? 'no labels' : labels.map((l) => (l.score === null ? l.name : `${l.name} (${l.score})`)).join(', ');
}

function listText(events: EventView[], next: string | null): string {
  if (events.length === 0) return 'no events match';
  const cell = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '-');
  const rows = events.map((e) => [e.id, cell(e.camera_name ?? e.camera_id), cell(e.started_at ?? `${cell(e.start)} s into the media`), `${cell(e.duration)} s`, cell(e.score), cell(e.direction), labelsText(e), String(e.media_id).slice(0, 12)]);
  return table(['EVENT', 'CAMERA', 'START (UTC)', 'DURATION', 'SCORE', 'DIRECTION', 'LABELS', 'MEDIA'], rows) + (next ? `\nmore: add --after ${next}` : '');
}

/** `events show` for people: the facts of one event on a line each (--json has the whole record). */
export function eventText(event: EventView): string {
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);
  const seconds = (value: unknown) => (typeof value === 'number' ? `${value.toFixed(1)} s` : '-');
  const colors = Array.isArray(event.colors) ? (event.colors as { name: string; share: number }[]).map((c) => `${c.name} ${Math.round(c.share * 100)} %`) : [];
  const zones = Array.isArray(event.zones) ? (event.zones as string[]) : [];
  const camera = text(event.camera_name) && event.camera_name !== event.camera_id ? `${text(event.camera_name)} (${text(event.camera_id)})` : (text(event.camera_id) ?? '-');
  const when = text(event.started_at)
    ? `${text(event.started_at)} to ${text(event.ended_at)} (UTC)`
    : `${seconds(event.start)} to ${seconds(event.end)} into the media (its capture time is unknown)`;
  const direction = text(event.direction) ? `${text(event.direction)}${typeof event.direction_deg === 'number' ? ` (${event.direction_deg}°)` : ''}` : 'none (no steady direction)';
  const rows: [string, string][] = [
    ['time', when],
    ['camera', camera],
    ['duration', seconds(event.duration)],
    ['score', text(event.score) ?? '-'],
    ['labels', labelsText(event)],
    ['direction', direction],
    ['colours', colors.length > 0 ? colors.join(', ') : '-'],
    ['zones', zones.length > 0 ? zones.join(', ') : '-'],
    ['objects', event.objects ? String(event.objects.length) : '-'],
    ['media', text(event.media_id) ?? '-'],
    ['thumbnail', text(event.thumbnail_file_id) ?? '-'],
    ['clip', text(event.clip_file_id) ?? '-'],
  ];
  return [`event ${event.id}`, ...rows.map(([name, value]) => `  ${`${name}:`.padEnd(11)}${value}`), '', 'files: camtrove files get <id> -o FILE; everything (track, trajectory, heatmap, objects): --json'].join('\n');
}
