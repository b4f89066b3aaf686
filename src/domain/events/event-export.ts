import { csvRecord } from '../csv.js';
import { CamtroveError } from '../errors.js';
import { utcIso } from '../utc-iso.js';

/** One event as every export format carries it. */
export interface ExportEvent {
  id: string;
  camera_id: string | null;
  camera_name: string | null;
  media_id: string;
  /** Start and end, UTC ISO 8601, when the media's capture time is known. */
  earliest_date: string | null;
  latest_date: string | null;
  /** Seconds into the media. */
  start_s: number;
  end_s: number;
  duration: number;
  score: number;
  peak_motion: number;
  box: { x: number; y: number; w: number; h: number };
  direction: string | null;
  direction_deg: number | null;
  speed: number;
  colors: string[];
  zones: string[];
  labels: readonly { name: string; score: number | null; source: string }[];
  thumbnail_file_id: string | null;
  clip_file_id: string | null;
}

/**
 * How exports write an event's numbers and times: rounded as the segmenter prints them
 * (domain/motion/event-json.ts), times as UTC ISO 8601.
 */
export const exportNumber = {
  /** Seconds, scores and percentages: three decimals. */
  seconds: (value: number) => Math.round(value * 1000) / 1000,
  /** Fractions of the frame: four decimals. */
  fraction: (value: number) => Math.round(value * 10_000) / 10_000,
  degrees: (value: number) => Math.round(value * 10) / 10,
  iso: (ms: number | null) => (ms === null ? null : utcIso(ms)),
};

export const EXPORT_FORMATS = ['json', 'jsonl', 'csv', 'xml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The format asked for, or INVALID_QUERY naming `format`. */
export function parseExportFormat(value: string | undefined): ExportFormat {
  const format = (value ?? 'json').toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new CamtroveError('CAMTROVE_ERR_INVALID_QUERY', `format: ${JSON.stringify(value)} is not one of ${EXPORT_FORMATS.join(', ')}`);
  return format as ExportFormat;
}

/** What an export ends with: the events' count and span (known once they are all written). */
export interface ExportSummary {
  count: number;
  earliest: string | null;
  latest: string | null;
}

/** Widens a summary's span to take in an event (events without a capture time have none). */
export function widenSpan(span: { earliest: string | null; latest: string | null }, event: ExportEvent): void {
  if (event.earliest_date === null) return;
  if (span.earliest === null || event.earliest_date < span.earliest) span.earliest = event.earliest_date;
  const end = event.latest_date ?? event.earliest_date;
  if (span.latest === null || end > span.latest) span.latest = end;
}

/** Writes an export piece by piece, so any number of events streams through in flat memory. */
export interface ExportWriter {
  contentType: string;
  head(): string;
  event(event: ExportEvent, index: number): string;
  tail(summary: ExportSummary): string;
}

const CSV_COLUMNS = ['id', 'camera_id', 'camera_name', 'media_id', 'earliest_date', 'latest_date', 'start_s', 'end_s', 'duration', 'score', 'peak_motion', 'box_x', 'box_y', 'box_w', 'box_h', 'direction', 'direction_deg', 'speed', 'colors', 'zones', 'labels', 'thumbnail_file_id', 'clip_file_id'] as const;

export function exportWriter(format: ExportFormat, jobId: string | null): ExportWriter {
  switch (format) {
    case 'json':
      // The summary comes after the events: it is exact only once they are all written.
      return {
        contentType: 'application/json; charset=utf-8',
        head: () => `{${jobId === null ? '' : `"job_id":${JSON.stringify(jobId)},`}"events":[`,
        event: (event, index) => `${index === 0 ? '\n' : ',\n'}${JSON.stringify(event)}`,
        tail: (s) => `\n],"count":${s.count},"earliest_date":${JSON.stringify(s.earliest)},"latest_date":${JSON.stringify(s.latest)}}\n`,
      };
    case 'jsonl':
      return { contentType: 'application/x-ndjson; charset=utf-8', head: () => '', event: (event) => `${JSON.stringify(event)}\n`, tail: () => '' };
    case 'csv':
      return { contentType: 'text/csv; charset=utf-8', head: () => csvRecord([...CSV_COLUMNS]), event: csvRow, tail: () => '' };
    case 'xml':
      return {
        contentType: 'application/xml; charset=utf-8',
        head: () => `<?xml version="1.0" encoding="UTF-8"?>\n<events${jobId === null ? '' : ` job_id="${xml(jobId)}"`}>\n`,
        event: xmlEvent,
        tail: (s) => `  <summary count="${s.count}"${s.earliest === null ? '' : ` earliest_date="${s.earliest}"`}${s.latest === null ? '' : ` latest_date="${s.latest}"`}/>\n</events>\n`,
      };
  }
}

function csvRow(e: ExportEvent): string {
  return csvRecord([
    e.id, e.camera_id, e.camera_name, e.media_id, e.earliest_date, e.latest_date, e.start_s, e.end_s, e.duration, e.score, e.peak_motion,
    e.box.x, e.box.y, e.box.w, e.box.h, e.direction, e.direction_deg, e.speed,
    e.colors.join(';'), e.zones.join(';'), e.labels.map((l) => l.name).join(';'), e.thumbnail_file_id, e.clip_file_id,
  ]);
}

function xmlEvent(e: ExportEvent): string {
  const text = (name: string, value: string | number | null) => (value === null ? '' : `    <${name}>${xml(String(value))}</${name}>\n`);
  const file = (name: string, id: string | null) => (id === null ? '' : `    <${name} file_id="${id}"/>\n`);
  const list = (name: string, item: string, values: readonly string[]) => `    <${name}>${values.map((v) => `<${item}>${xml(v)}</${item}>`).join('')}</${name}>\n`;
  return (
    `  <event id="${e.id}">\n` +
    `    <camera${e.camera_id === null ? '' : ` id="${xml(e.camera_id)}"`}${e.camera_name === null ? '' : ` name="${xml(e.camera_name)}"`}/>\n` +
    `    <media file_id="${e.media_id}"/>\n` +
    text('earliest_date', e.earliest_date) +
    text('latest_date', e.latest_date) +
    text('start_s', e.start_s) +
    text('end_s', e.end_s) +
    text('duration', e.duration) +
    text('score', e.score) +
    text('peak_motion', e.peak_motion) +
    `    <box x="${e.box.x}" y="${e.box.y}" w="${e.box.w}" h="${e.box.h}"/>\n` +
    (e.direction === null ? '' : `    <direction deg="${e.direction_deg}">${e.direction}</direction>\n`) +
    text('speed', e.speed) +
    list('colors', 'color', e.colors) +
    list('zones', 'zone', e.zones) +
    `    <labels>${e.labels.map((l) => `<label${l.score === null ? '' : ` score="${l.score}"`} source="${xml(l.source)}">${xml(l.name)}</label>`).join('')}</labels>\n` +
    file('thumbnail', e.thumbnail_file_id) +
    file('clip', e.clip_file_id) +
    '  </event>\n'
  );
}

/** Text for XML 1.0 content or attributes: markup escaped, and characters XML cannot hold at all dropped. */
export function xml(value: string): string {
  return value
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * The `--by-date` layout: per day (UTC) the labels of that day's events and the camera, as the
 * service camtrove replaces wrote it. Built as events stream by; its size follows the days and
 * labels, not the events.
 */
export class LabelsByDate {
  private readonly days = new Map<string, { labels: Set<string>; camera: string | null }>();
  /** The cameras seen: the layout has one camera per day, so an export of several is refused. */
  readonly cameras = new Set<string>();
  private readonly span = { earliest: null as string | null, latest: null as string | null };

  add(event: ExportEvent): void {
    if (event.earliest_date === null) return;
    this.cameras.add(event.camera_id ?? '');
    const day = event.earliest_date.slice(0, 10);
    const entry = this.days.get(day) ?? { labels: new Set<string>(), camera: event.camera_name ?? event.camera_id };
    for (const label of event.labels) entry.labels.add(label.name);
    this.days.set(day, entry);
    widenSpan(this.span, event);
  }

  json(jobId: string | null): string {
    const labels = Object.fromEntries([...this.days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, e]) => [day, { labels: [...e.labels].sort(), camera: { name: e.camera } }]));
    return `${JSON.stringify({ job_id: jobId, earliest_date: this.span.earliest, latest_date: this.span.latest, labels }, null, 2)}\n`;
  }
}
