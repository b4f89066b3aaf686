import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { parseExportFormat } from '../../domain/events/event-export.js';
import type { EventQueryInput } from '../../domain/events/event-query.js';
import { CamtroveError } from '../../domain/errors.js';
import type { EventView } from '../../services/event.service.js';
import { addCommonOptions, withLibrary, type CommonOptions } from '../context.js';
import { emit, table } from '../output.js';

const collect = (value: string, previous: string[]) => [...previous, value];

interface FilterFlags extends CommonOptions {
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
function addFilterOptions(command: Command): Command {
  return addCommonOptions(command)
    .option('--camera <id>', 'a camera (repeatable)', collect, [])
    .option('--from <time>', 'events that end after this time: UTC ISO 8601 (2026-11-30T08:00:00Z) or a date')
    .option('--to <time>', 'events that start before this time')
    .option('--media <file id>', 'only this media item\'s events')
    .option('--job <id>', 'only events of the files of this import job')
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

function filterInput(flags: FilterFlags): EventQueryInput {
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
  const events = new Command('events').description('motion events across the library: search them, show one, label them');

  addFilterOptions(events.command('ls').description('search motion events (every filter applies); the same search as GET /api/events'))
    .option('--sort <order>', 'time (oldest first), -time (newest first) or score (best first)', 'time')
    .option('--limit <n>', 'events per page (1-1000)', '100')
    .option('--after <cursor>', 'continue from a previous page')
    .action(async (flags: FilterFlags & { sort: string; limit: string; after?: string }) => {
      await withLibrary(flags, async (library) => {
        const page = await library.events.search({ ...filterInput(flags), sort: flags.sort, limit: flags.limit, after: flags.after });
        emit(flags.json, page, () => listText(page.events, page.next));
      });
    });

  addCommonOptions(events.command('show').description('one event, with its labels, track, trajectory, heatmap and the links to its files').argument('<id>', 'the event id'))
    .action(async (id: string, flags: CommonOptions) => {
      await withLibrary(flags, async (library) => {
        const event = await library.events.get(id);
        emit(flags.json, event, () => JSON.stringify(event, null, 2));
      });
    });

  addCommonOptions(events.command('label').description('label an event (again with the same name: change its score)').argument('<id>', 'the event id').argument('<name>', 'the label').option('--score <n>', 'how sure, 0-1'))
    .action(async (id: string, name: string, flags: CommonOptions & { score?: string }) => {
      await withLibrary(flags, async (library) => {
        const event = await library.events.addLabel(id, { name, score: score(flags.score) });
        emit(flags.json, event, () => `event ${event.id}: ${labelsText(event)}`);
      });
    });

  addCommonOptions(events.command('unlabel').description('take a label off an event').argument('<id>', 'the event id').argument('<name>', 'the label'))
    .action(async (id: string, name: string, flags: CommonOptions) => {
      await withLibrary(flags, async (library) => {
        const result = await library.events.removeLabel(id, name);
        emit(flags.json, result, () => (result.removed ? `removed ${JSON.stringify(name)} from event ${id}` : `event ${id} had no label ${JSON.stringify(name)}`));
      });
    });

  addFilterOptions(events.command('label-matching').description('label every event the filters match (at least one filter, or --all)').argument('<name>', 'the label'))
    .option('--score <n>', 'how sure, 0-1')
    .option('--all', 'with no filter: label every event in the library')
    .action(async (name: string, flags: FilterFlags & { score?: string; all?: boolean }) => {
      await withLibrary(flags, async (library) => {
        const result = await library.events.labelMatching({ ...filterInput(flags), all: flags.all }, { name, score: score(flags.score) });
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
      await withLibrary(flags, async (library) => {
        const input = { ...filterInput(flags), sort: flags.sort };
        const exported = flags.byDate ? null : await library.events.exportEvents(input, format);
        const source = exported ? Readable.from(exported.pieces) : Readable.from([await library.events.labelsByDate(input)]);
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
        process.stderr.write(exported ? `exported ${exported.summary.count} events to ${flags.output}\n` : `wrote the labels by day to ${flags.output}\n`);
      });
    });

  return events;
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
