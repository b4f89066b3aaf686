import type { EventRepository, FoundEvent } from '../adapters/db/event.repository.js';
import type { Clock } from '../adapters/clock.js';
import { exportWriter, LabelsByDate, widenSpan, type ExportEvent, type ExportFormat, type ExportSummary } from '../domain/events/event-export.js';
import { checkLabelName, decodeEventCursor, encodeEventCursor, parseEventQuery, type EventQuery, type EventQueryInput } from '../domain/events/event-query.js';
import { CamtroveError, isCamtroveError } from '../domain/errors.js';
import { resolveId, type IdLookup } from '../domain/ids.js';
import { eventJson, eventSummaryJson, type ObjectJson } from '../domain/motion/event-json.js';

/** An event as searches answer it (its JSON, snake_case); `objects` only in the full event (get). */
export type EventView = Record<string, unknown> & { id: string; objects?: ObjectJson[] };

/** One event with everything known about it: its moving objects among the rest. */
export type EventDetailView = EventView & { objects: ObjectJson[] };

/** The prefix lookups of what a search names by id: files (`media`), import jobs and cameras. */
export interface EventIdLookups {
  files: IdLookup;
  jobs: IdLookup;
  cameras: IdLookup;
}

/** Motion events across the library: searching them, labelling them, exporting them. */
export class EventService {
  constructor(
    private readonly events: EventRepository,
    private readonly clock: Clock,
    private readonly lookups: EventIdLookups,
  ) {}

  /** One page of a search; `after` is the previous page's `next`. */
  async search(input: EventQueryInput & { after?: string }): Promise<{ events: EventView[]; next: string | null }> {
    const query = parseEventQuery(await this.resolveIds(input));
    const cursor = input.after ? decodeEventCursor(query, input.after) : null;
    const page = await this.events.search(query, cursor);
    return { events: page.events.map(summaryView), next: page.more && page.last ? encodeEventCursor(query, page.last) : null };
  }

  /** Labels an event (source `user`); labelling it again with the same name changes the score. */
  async addLabel(id: string, input: LabelInput): Promise<EventDetailView> {
    const label = { name: checkLabelName('name', input.name), score: checkScore(input.score), source: 'user' };
    const eventId = await this.resolve(id);
    if (!(await this.events.addLabel(eventId, label, this.clock.now()))) throw notFound(id);
    return this.get(eventId);
  }

  /** Takes a label off an event; `removed` is false when it had none by that name. */
  async removeLabel(id: string, name: string): Promise<{ removed: boolean }> {
    const eventId = await this.resolve(id);
    const removed = await this.events.removeLabel(eventId, name);
    if (!removed && !(await this.events.get(eventId))) throw notFound(id);
    return { removed };
  }

  /**
   * Labels every event a search matches. At least one filter is needed (or `all`), so that a
   * forgotten filter does not label the whole library.
   */
  async labelMatching(input: EventQueryInput & { all?: boolean }, label: LabelInput): Promise<{ labelled: number }> {
    const query = parseEventQuery(await this.resolveIds(input));
    const { sort: _sort, limit: _limit, labelMatch: _match, ...filters } = query;
    const filtered = Object.values(filters).some((value) => (Array.isArray(value) ? value.length > 0 : value !== null));
    if (!filtered && input.all !== true) throw new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', 'all: no filter was given; to label every event in the library, say so with all=true (--all)');
    const labelled = await this.events.labelMatching(query, { name: checkLabelName('name', label.name), score: checkScore(label.score), source: 'user' }, this.clock.now());
    return { labelled };
  }

  /**
   * A search's every event in one of the export formats, piece by piece: the events are read a
   * batch at a time, so nothing held grows with the count. The search is checked before
   * the first piece, so a bad parameter fails before anything is sent.
   */
  async exportEvents(input: EventQueryInput & { sort?: string }, format: ExportFormat): Promise<{ contentType: string; pieces: AsyncIterable<string>; summary: Readonly<ExportSummary> }> {
    const query = parseEventQuery(await this.resolveIds(input));
    const writer = exportWriter(format, query.job);
    const events = this.events;
    // Filled in as the pieces are read: the count once they all are.
    const summary: ExportSummary = { count: 0, earliest: null, latest: null };
    async function* pieces(): AsyncGenerator<string> {
      yield writer.head();
      for await (const batch of batchesOf(events, query)) {
        let chunk = '';
        for (const event of batch) {
          chunk += writer.event(event, summary.count);
          summary.count += 1;
          widenSpan(summary, event);
        }
        yield chunk;
      }
      yield writer.tail(summary);
    }
    return { contentType: writer.contentType, pieces: pieces(), summary };
  }

  /** The labels of a search's events grouped by day (the `--by-date` layout); one camera's events only. */
  async labelsByDate(input: EventQueryInput): Promise<string> {
    const query = parseEventQuery(await this.resolveIds(input));
    const byDate = new LabelsByDate();
    for await (const batch of batchesOf(this.events, query)) {
      for (const event of batch) byDate.add(event);
      if (byDate.cameras.size > 1) {
        throw new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', `by_date: the events come from ${byDate.cameras.size} or more cameras, and this layout has one camera per day; export one camera at a time (camera=…)`);
      }
    }
    return byDate.json(query.job);
  }

  /** A full event id, or a unique prefix of one. */
  private resolve(id: string): Promise<string> {
    return resolveId('event', id, { withPrefix: (prefix, limit) => this.events.idsWithPrefix(prefix, limit) });
  }

  /**
   * A search's ids as the user typed them, made whole: a prefix of a media file id or of an import
   * job's, and of camera ids (a camera value that names no registered camera stays as given: events
   * may carry cameras the registry no longer has).
   */
  private async resolveIds<T extends EventQueryInput>(input: T): Promise<T> {
    const media = input.media?.trim();
    const resolved = { ...input };
    if (media && /^[0-9a-f]{6,63}$/i.test(media)) resolved.media = await resolveId('file', media, this.lookups.files);
    if (input.job) resolved.job = await resolveId('import job', input.job, this.lookups.jobs);
    if (input.camera !== undefined) {
      const values = (Array.isArray(input.camera) ? input.camera : [input.camera]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
      resolved.camera = await Promise.all(values.map((value) => this.cameraId(value)));
    }
    return resolved;
  }

  private async cameraId(value: string): Promise<string> {
    try {
      return await resolveId('camera', value, this.lookups.cameras);
    } catch (error) {
      if (isCamtroveError(error) && error.code === 'CAMTROVE_ERR_CAMERA_NOT_FOUND') return value;
      throw error;
    }
  }

  /** One event with everything known about it (its track, trajectory, heatmap and objects) and links to its files. */
  async get(id: string): Promise<EventDetailView> {
    const event = await this.events.get(await this.resolve(id));
    if (!event) throw notFound(id);
    const file = (fileId: string | null) => (fileId === null ? null : `/api/files/${fileId}`);
    return { ...detailView(event), links: { media: file(event.mediaId), thumbnail: file(event.thumbnailFileId), clip: file(event.clipFileId) } };
  }
}

/** A label as given by a person or a script: a name and an optional score (0–1). */
export interface LabelInput {
  name: string;
  score?: number | null;
}

/** The event's JSON as lists show it: the segmenter's summary, with its camera and media. */
function summaryView(event: FoundEvent): EventView {
  const json = eventSummaryJson(event.motion, event.colors, { thumbnailFileId: event.thumbnailFileId, clipFileId: event.clipFileId }, capturedAtOf(event));
  return { id: event.id, camera_id: event.cameraId, camera_name: event.cameraName, media_id: event.mediaId, ...json, labels: event.labels };
}

/** The event's whole JSON, as the segmenter prints it (per-frame detail and objects), with its camera and media. */
function detailView(event: FoundEvent): EventDetailView {
  const json = eventJson(event.motion, event.colors, { thumbnailFileId: event.thumbnailFileId, clipFileId: event.clipFileId }, capturedAtOf(event));
  return { id: event.id, camera_id: event.cameraId, camera_name: event.cameraName, media_id: event.mediaId, ...json, labels: event.labels };
}

/** The media's capture time, back from the event's absolute start. */
function capturedAtOf(event: FoundEvent): number | null {
  return event.startedAt === null ? null : event.startedAt - Math.round(event.motion.start * 1000);
}

/**
 * Events read at a time while exporting. Small batches keep their objects young: they are garbage
 * before the collector moves them to the old generation, so an export of a million events runs in
 * the memory of one of ten thousand (with 2,000 at a time it took twice as much), and faster.
 */
const EXPORT_BATCH = 250;

/**
 * Every event of a search as export records, a batch at a time, with a turn of the event loop
 * between batches: SQLite answers synchronously and a file takes writes synchronously, and without
 * it an export would keep a server from its other requests.
 */
async function* batchesOf(events: EventRepository, query: EventQuery): AsyncGenerator<ExportEvent[]> {
  for await (const batch of events.exportBatches(query, EXPORT_BATCH)) {
    yield batch;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function notFound(id: string): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_EVENT_NOT_FOUND', `no event has id ${JSON.stringify(id)}`);
}

function checkScore(score: number | null | undefined): number | null {
  if (score === undefined || score === null) return null;
  if (!Number.isFinite(score) || score < 0 || score > 1) throw new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', `score: ${score} is not a number from 0 to 1`);
  return score;
}
