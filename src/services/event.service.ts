import type { EventRepository, FoundEvent } from '../adapters/db/event.repository.js';
import { decodeEventCursor, encodeEventCursor, parseEventQuery, type EventQueryInput } from '../domain/events/event-query.js';
import { CamtroveError } from '../domain/errors.js';
import { eventJson } from '../domain/motion/event-json.js';

/** An event as searches answer it. */
export type EventView = Record<string, unknown> & { id: string };

/** Finding motion events across the library: by camera, time, place in the job, score, duration, direction. */
export class EventService {
  constructor(private readonly events: EventRepository) {}

  /** One page of a search; `after` is the previous page's `next`. */
  async search(input: EventQueryInput & { after?: string }): Promise<{ events: EventView[]; next: string | null }> {
    const query = parseEventQuery(input);
    const cursor = input.after ? decodeEventCursor(query, input.after) : null;
    const page = await this.events.search(query, cursor);
    return { events: page.events.map((e) => view(e, false)), next: page.more && page.last ? encodeEventCursor(query, page.last) : null };
  }

  /** One event with everything known about it (its track, trajectory and heatmap) and links to its files. */
  async get(id: string): Promise<EventView> {
    const event = /^[0-9a-f]{1,32}$/i.test(id) ? await this.events.get(id.toLowerCase()) : null;
    if (!event) throw new CamtroveError('CAMTROVE_ERR_EVENT_NOT_FOUND', `no event has id ${JSON.stringify(id)}`);
    const file = (fileId: string | null) => (fileId === null ? null : `/file/${fileId}`);
    return { ...view(event, true), links: { media: file(event.mediaId), thumbnail: file(event.thumbnailFileId), clip: file(event.clipFileId) } };
  }
}

/** The event's JSON, as the segmenter prints it, with its camera and media; lists leave out the per-frame detail. */
function view(event: FoundEvent, detail: boolean): EventView {
  // The media's capture time, back from the event's absolute start.
  const capturedAt = event.startedAt === null ? null : event.startedAt - Math.round(event.motion.start * 1000);
  const { box_track, trajectory, heatmap, ...summary } = eventJson(event.motion, event.colors, { thumbnailFileId: event.thumbnailFileId, clipFileId: event.clipFileId }, capturedAt);
  return { id: event.id, camera_id: event.cameraId, camera_name: event.cameraName, media_id: event.mediaId, ...summary, ...(detail ? { box_track, trajectory, heatmap } : {}) };
}
