import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { Readable } from 'node:stream';
import { EXPORT_FORMATS, parseExportFormat } from '../../domain/events/event-export.js';
import { EVENT_SORTS, MAX_EVENT_PAGE, MAX_LABEL_LENGTH } from '../../domain/events/event-query.js';
import type { EventService } from '../../services/event.service.js';
import { errorResponses } from '../schemas.js';

const text = (description: string) => Type.Optional(Type.String({ description }));

/** Every filter applies; each is validated by the search itself, so a bad one is named in the error. */
export const EventFilters = {
  camera: Type.Optional(Type.Array(Type.String(), { description: 'Camera id; repeat it (or separate ids with commas) for several.' })),
  from: text('Events that end after this time: UTC ISO 8601 with Z or an offset, or a date.'),
  to: text('Events that start before this time (same form as from).'),
  media: text('Only this media item\'s events (its file id).'),
  job: text('Only events of the files of this import job.'),
  min_score: text('Score at least this (0–1).'),
  min_duration: text('Seconds, at least.'),
  max_duration: text('Seconds, at most.'),
  direction: text('Direction of travel: a compass word (N, NE, E, SE, S, SW, W, NW; north, left…) or an arc of degrees clockwise from up, such as 45-135.'),
  color: Type.Optional(Type.Array(Type.String(), { description: 'A dominant colour (black, white, grey, red, orange, yellow, green, cyan, blue, purple, pink, brown); several match any.' })),
  zone: Type.Optional(Type.Array(Type.String(), { description: 'A zone the event touched; several match any.' })),
  label: Type.Optional(Type.Array(Type.String(), { description: 'A label; repeat it for several (commas belong to the label).' })),
  label_match: text('any (default): events with any of the labels; all: with every one.'),
  roi: text('x,y,w,h, fractions of the frame from its top left: events whose heatmap touches this region.'),
};

const SearchQuery = Type.Object({
  ...EventFilters,
  sort: Type.Optional(Type.String({ description: `${EVENT_SORTS.join(', ')}: by start time, oldest or (-time) newest first, or best score first.`, default: 'time' })),
  limit: text(`Events per page, 1–${MAX_EVENT_PAGE} (default 100).`),
  after: text('The `next` value of the previous page (the same search only).'),
});

const LabelBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: MAX_LABEL_LENGTH, description: 'The label: any text but control characters (markup is kept, and escaped in every export).' }),
  score: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: 'How sure, 0–1.' })),
});

const fraction = (description: string) => Type.Number({ description });
const nullable = <T extends TSchema>(schema: T, description?: string) => Type.Union([schema, Type.Null()], description === undefined ? {} : { description });
const BoxBody = Type.Object({ x: fraction('Left edge, fraction of the frame\'s width.'), y: fraction('Top edge, fraction of the frame\'s height.'), w: fraction('Width, fraction of the frame\'s width.'), h: fraction('Height, fraction of the frame\'s height.') });
const LabelAnswer = Type.Object({
  name: Type.String(),
  score: nullable(Type.Number(), 'How sure, 0–1.'),
  source: Type.String({ description: '`user` for labels put by people and scripts; else the analysis or import hook that put it.' }),
});

/**
 * What every event says, in the order the service writes it: the serializer writes declared fields
 * first, in their order, so an answer keeps the order of a local `camtrove events ls --json`.
 */
const EVENT_SUMMARY = {
  id: Type.String(),
  camera_id: nullable(Type.String()),
  camera_name: nullable(Type.String()),
  media_id: Type.String({ description: 'The video\'s file id.' }),
  start: Type.Number({ description: 'Media seconds.' }),
  end: Type.Number({ description: 'Media seconds.' }),
  duration: Type.Number({ description: 'Seconds.' }),
  started_at: nullable(Type.String({ format: 'date-time' }), 'UTC, when the media\'s capture time is known.'),
  ended_at: nullable(Type.String({ format: 'date-time' })),
  motion_start: Type.Number({ description: 'Media seconds of the first frame with motion (start is earlier by the pre-capture).' }),
  motion_end: Type.Number(),
  motion_frames: Type.Integer(),
  score: Type.Number({ description: '0–1 (see docs/motion.md).' }),
  peak_motion: Type.Number({ description: '% of the frame.' }),
  mean_motion: Type.Number({ description: '% of the frame.' }),
  box: BoxBody,
  peak_time: Type.Number({ description: 'Media seconds of the strongest frame (the thumbnail\'s).' }),
  peak_box: BoxBody,
  direction: nullable(Type.String(), 'N, NE, E, SE, S, SW, W or NW; null when it did not travel.'),
  direction_deg: nullable(Type.Number(), 'Degrees clockwise from up.'),
  speed: Type.Number({ description: 'Frame widths per second.' }),
  colors: Type.Array(Type.Object({ name: Type.String(), hex: Type.String(), rgb: Type.Array(Type.Integer({ minimum: 0, maximum: 255 })), share: Type.Number() }), { description: 'Dominant colours, largest share first.' }),
  zones: Type.Array(Type.String()),
  thumbnail_file_id: nullable(Type.String(), 'A JPEG of the strongest frame with its box drawn: GET /api/files/{id}.'),
  clip_file_id: nullable(Type.String(), 'An MP4 of the event that ends at its end: GET /api/files/{id}.'),
  labels: Type.Array(LabelAnswer),
};

const EventBody = Type.Object(EVENT_SUMMARY, { additionalProperties: true, description: 'An event: its camera and media, times (media seconds, and UTC when the media\'s capture time is known), score, motion, box, direction, speed, colours, zones, labels, thumbnail and clip file ids.' });

const ObjectBody = Type.Object(
  {
    id: Type.Integer({ minimum: 1, description: '1, 2, … within the event, in order of appearance.' }),
    start: Type.Number({ description: 'Media seconds of its first sighting.' }),
    end: Type.Number({ description: 'Media seconds of its last sighting.' }),
    boxes: Type.Array(
      Type.Object({ t: Type.Number({ description: 'Media seconds.' }), ...BoxBody.properties }),
      { description: 'Its box over time, first and last sighting included; every analysed frame on short tracks, thinned on long ones (at most 101).' },
    ),
  },
  { description: 'One moving object of the event, followed from frame to frame.' },
);

/** The full event in the order the service writes it: the summary's fields to its zones, the per-frame detail, then its files and labels. */
const { thumbnail_file_id, clip_file_id, labels, ...BEFORE_DETAIL } = EVENT_SUMMARY;
const EventDetailBody = Type.Object(
  {
    ...BEFORE_DETAIL,
    box_track: Type.Array(Type.Object({ t: Type.Number({ description: 'Media seconds.' }), ...BoxBody.properties }), { description: 'The box of all motion over time.' }),
    trajectory: Type.Array(Type.Object({ t: Type.Number(), x: Type.Number(), y: Type.Number() }), { description: 'The centre of motion over time, fractions of the frame.' }),
    heatmap: Type.Array(Type.Array(Type.Number()), { description: '16 rows of 16 cells: where motion was, 0–1.' }),
    objects: Type.Array(ObjectBody, { description: 'The moving objects, each followed on its own (empty for events segmented before objects were tracked).' }),
    thumbnail_file_id,
    clip_file_id,
    labels,
    links: Type.Optional(Type.Object({ media: nullable(Type.String()), thumbnail: nullable(Type.String()), clip: nullable(Type.String()) }, { description: 'Where its files download from.' })),
  },
  { additionalProperties: true, description: 'An event with everything known about it: what a search answers, plus box_track, trajectory, heatmap, objects and links to its media, thumbnail and clip.' },
);

const SearchAnswer = Type.Object({ events: Type.Array(EventBody), next: Type.Union([Type.String(), Type.Null()]) });
type SearchAnswer = Static<typeof SearchAnswer>;
type EventDetail = Static<typeof EventDetailBody>;

/**
 * The service's events are the segmenter's JSON (domain/motion/event-json.ts), typed as records;
 * the route's schema describes them to clients, and the serializer writes them by it.
 */
function described<T>(answer: unknown): T {
  return answer as T;
}

/** Motion events across the library: search them, and fetch one. */
export function eventRoutes(events: EventService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/events', {
      schema: {
        summary: 'Search motion events',
        description: 'Filters combine; pages follow each other with `after` (stable while new events arrive).',
        tags: ['events'],
        querystring: SearchQuery,
        response: { 200: SearchAnswer, ...errorResponses(400, 401) },
      },
    }, async (request) => described<SearchAnswer>(await events.search(request.query)));

    app.get('/events/export', {
      config: {
        openapi: {
          responses: {
            200: {
              description: 'The export, streamed as an attachment (by_date=true: labels grouped by day, JSON).',
              content: {
                'application/json': Type.Unknown({ description: 'An object with the events as an array (see docs/export.md).' }),
                'application/x-ndjson': Type.String({ description: 'JSON Lines: one event a line.' }),
                'text/csv': Type.String({ description: 'A header row, then one event a row.' }),
                'application/xml': Type.String({ description: 'An <events> document.' }),
              },
            },
          },
        },
      },
      schema: {
        summary: 'Export every event a search matches: json, jsonl, csv or xml, streamed',
        description: 'The filters and sort of GET /api/events. by_date=true gives the labels grouped by day instead (JSON, one camera). See docs/export.md for each layout.',
        tags: ['events'],
        querystring: Type.Object({
          ...EventFilters,
          format: Type.Optional(Type.String({ description: `${EXPORT_FORMATS.join(', ')} (default json)` })),
          sort: SearchQuery.properties.sort,
          by_date: Type.Optional(Type.Boolean()),
        }),
        response: { 200: { description: 'The export, streamed.', type: 'string' }, ...errorResponses(400, 401) },
      },
    }, async (request, reply) => {
      const { format: asked, by_date: byDate, ...input } = request.query;
      const stamp = new Date().toISOString().slice(0, 10);
      if (byDate) {
        const body = await events.labelsByDate(input);
        return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="events-by-date-${stamp}.json"`).send(body);
      }
      const format = parseExportFormat(asked);
      const { contentType, pieces } = await events.exportEvents(input, format);
      return reply.type(contentType).header('content-disposition', `attachment; filename="events-${stamp}.${format}"`).send(Readable.from(pieces));
    });

    app.post('/events/labels', {
      schema: {
        summary: 'Label every event a search matches',
        description: 'The filters of GET /api/events, in the query string; at least one, or all=true to label every event.',
        tags: ['events'],
        querystring: Type.Object({ ...EventFilters, all: Type.Optional(Type.Boolean()) }),
        body: LabelBody,
        response: { 200: Type.Object({ labelled: Type.Integer({ description: 'Events labelled (or whose label was updated).' }) }), ...errorResponses(400, 401) },
      },
    }, async (request) => events.labelMatching(request.query, request.body));

    app.post('/events/:id/labels', {
      schema: {
        summary: 'Label an event (again with the same name: change its score)',
        tags: ['events'],
        params: Type.Object({ id: Type.String() }),
        body: LabelBody,
        response: { 200: EventDetailBody, ...errorResponses(400, 401, 404) },
      },
    }, async (request) => described<EventDetail>(await events.addLabel(request.params.id, request.body)));

    app.delete('/events/:id/labels/:name', {
      schema: {
        summary: 'Take a label off an event',
        tags: ['events'],
        params: Type.Object({ id: Type.String(), name: Type.String() }),
        response: { 200: Type.Object({ removed: Type.Boolean({ description: 'False when the event had no label by that name.' }) }), ...errorResponses(401, 404) },
      },
    }, async (request) => events.removeLabel(request.params.id, request.params.name));

    app.get('/events/:id', {
      schema: {
        summary: 'One motion event, with its track, trajectory, heatmap and moving objects, and links to its media, thumbnail and clip',
        tags: ['events'],
        params: Type.Object({ id: Type.String() }),
        response: { 200: EventDetailBody, ...errorResponses(401, 404) },
      },
    }, async (request) => described<EventDetail>(await events.get(request.params.id)));
  };
}
