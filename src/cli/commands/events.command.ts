import { Command } from 'commander';
import type { EventQueryInput } from '../../domain/events/event-query.js';
import type { EventView } from '../../services/event.service.js';
import { addCommonOptions, withLibrary, type CommonOptions } from '../context.js';
import { emit, table } from '../output.js';

const collect = (value: string, previous: string[]) => [...previous, value];

interface ListFlags extends CommonOptions {
  camera: string[];
  from?: string;
  to?: string;
  media?: string;
  job?: string;
  minScore?: string;
  minDuration?: string;
  maxDuration?: string;
  direction?: string;
  sort?: string;
  limit?: string;
  after?: string;
}

export function eventsCommand(): Command {
  const events = new Command('events').description('motion events across the library: search them, show one');

  addCommonOptions(
    events
      .command('ls')
      .description('search motion events (every filter applies); the same search as GET /api/events')
      .option('--camera <id>', 'a camera (repeatable)', collect, [])
      .option('--from <time>', 'events that end after this time: UTC ISO 8601 (2026-11-30T08:00:00Z) or a date')
      .option('--to <time>', 'events that start before this time')
      .option('--media <file id>', 'only this media item\'s events')
      .option('--job <id>', 'only events of the files of this import job')
      .option('--min-score <n>', 'score at least this (0-1)')
      .option('--min-duration <s>', 'seconds, at least')
      .option('--max-duration <s>', 'seconds, at most')
      .option('--direction <dir>', 'direction of travel: N, NE, … NW (or north, left…), or degrees clockwise from up such as 45-135')
      .option('--sort <order>', 'time (oldest first), -time (newest first) or score (best first)', 'time')
      .option('--limit <n>', 'events per page (1-1000)', '100')
      .option('--after <cursor>', 'continue from a previous page'),
  ).action(async (flags: ListFlags) => {
    const input: EventQueryInput & { after?: string } = {
      camera: flags.camera,
      from: flags.from,
      to: flags.to,
      media: flags.media,
      job: flags.job,
      min_score: flags.minScore,
      min_duration: flags.minDuration,
      max_duration: flags.maxDuration,
      direction: flags.direction,
      sort: flags.sort,
      limit: flags.limit,
      after: flags.after,
    };
    await withLibrary(flags, async (library) => {
      const page = await library.events.search(input);
      emit(flags.json, page, () => listText(page.events, page.next));
    });
  });

  addCommonOptions(events.command('show').description('one event, with its track, trajectory, heatmap and the links to its files').argument('<id>', 'the event id'))
    .action(async (id: string, flags: CommonOptions) => {
      await withLibrary(flags, async (library) => {
        const event = await library.events.get(id);
        emit(flags.json, event, () => JSON.stringify(event, null, 2));
      });
    });

  return events;
}

function listText(events: EventView[], next: string | null): string {
  if (events.length === 0) return 'no events match';
  const cell = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '-');
  const rows = events.map((e) => [e.id, cell(e.camera_name ?? e.camera_id), cell(e.started_at ?? `${cell(e.start)} s into the media`), `${cell(e.duration)} s`, cell(e.score), cell(e.direction), String(e.media_id).slice(0, 12)]);
  return table(['EVENT', 'CAMERA', 'START (UTC)', 'DURATION', 'SCORE', 'DIRECTION', 'MEDIA'], rows) + (next ? `\nmore: add --after ${next}` : '');
}
