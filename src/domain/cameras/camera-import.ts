import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { CamtroveError } from '../errors.js';
import { cameraTypes, type CameraInput, type CameraType } from './camera.js';

/**
 * Reads camera lists in the "camera database" format of network camera archivers (CAM2's
 * cameraID, camera_type non_ip | ip | stream, snapshot_url, ip, port, image_path, video_path,
 * m3u8_url, …), flat or with the address under `retrieval`, and camtrove's own field names.
 * It only reads: URLs, ranges and time zones are checked by `validateCamera` when registering.
 */

/** The cameras a list holds, by 1-based row, and the rows that could not be read, each with why. */
export interface CameraListParse {
  cameras: { row: number; input: CameraInput }[];
  problems: { row: number; id: string | null; reason: string }[];
}

export type CameraListFormat = 'json' | 'csv';

/** Field names are matched without regard to case: cameraID, CameraId and cameraid are one field. */
const idFields = ['cameraid', 'id', 'camera_id'] as const;
const typeFields = ['type', 'camera_type'] as const;
// Camera lists describe network cameras: `import` (a camera known only from imported files) is not one of their types.
const listedCameraTypes = cameraTypes.filter((type) => type !== 'import');
const listedTypes = ['non_ip', 'ip', 'stream', ...listedCameraTypes.filter((type) => type !== 'ip')];

/** A camera as the list gives it, before its fields are read; `problem` is wrong with the row as a whole. */
interface ListRow {
  record: Record<string, unknown> | null;
  problem: string | null;
}

/**
 * Parses a camera list. A file that cannot be read as a list at all throws
 * CAMTROVE_ERR_INVALID_CAMERA; a camera that cannot be read is reported in `problems`, naming its
 * row and the field, and the other cameras are still returned.
 */
export function parseCameraList(text: string, format: CameraListFormat): CameraListParse {
  const rows = format === 'json' ? jsonRows(text) : csvRows(text);
  const parse: CameraListParse = { cameras: [], problems: [] };
  rows.forEach((listRow, index) => {
    if (listRow === null) return;
    const row = index + 1;
    if (listRow.record === null) {
      parse.problems.push({ row, id: null, reason: listRow.problem ?? 'the row cannot be read' });
      return;
    }
    const camera = readCamera(listRow.record);
    const reasons = listRow.problem === null ? camera.reasons : [listRow.problem, ...camera.reasons];
    if (camera.input !== null && reasons.length === 0) parse.cameras.push({ row, input: camera.input });
    else parse.problems.push({ row, id: camera.id, reason: reasons.join('; ') });
  });
  return parse;
}

function unreadable(message: string, cause?: unknown): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', message, cause === undefined ? undefined : { cause });
}

function jsonRows(text: string): ListRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw unreadable(`the camera list is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  let list: unknown[];
  if (Array.isArray(data)) list = data;
  else if (isRecord(data) && Array.isArray(data.cameras)) list = data.cameras;
  else if (isRecord(data) && 'cameras' in data) throw unreadable(`"cameras" in the camera list must be an array of cameras, not ${kindOf(data.cameras)}`);
  else {
    const found = isRecord(data) ? `an object with ${Object.keys(data).length ? `only ${Object.keys(data).slice(0, 5).join(', ')}` : 'no fields'}` : kindOf(data);
    throw unreadable(`a JSON camera list is an array of cameras or an object with an array under "cameras", not ${found}`);
  }
  return list.map((item) => (isRecord(item) ? { record: item, problem: null } : { record: null, problem: `a camera must be an object, not ${kindOf(item)}` }));
}

/** Rows of a CSV list with a header row; null for blank rows, which keep their number so rows match the file. */
function csvRows(text: string): (ListRow | null)[] {
  let records: string[][];
  try {
    // A row of the wrong width is that row's problem, not the file's; a stray quote inside a
    // field (a 5" dome) is text.
    records = parseCsv(text, { bom: true, relax_column_count: true, relax_quotes: true }) as string[][];
  } catch (error) {
    if (error instanceof CsvError) throw unreadable(`the CSV camera list cannot be read: ${error.message}`, error);
    throw error;
  }
  const headerAt = records.findIndex((cells) => !isBlankRow(cells));
  const header = records[headerAt]?.map((name) => name.trim());
  if (header === undefined) throw unreadable('the CSV camera list is empty: it needs a header row naming the fields (cameraID, camera_type, …)');
  const names = header.map((name) => name.toLowerCase());
  const repeated = names.find((name, index) => name !== '' && names.indexOf(name) !== index);
  if (repeated !== undefined) throw unreadable(`the CSV header names the field ${repeated} more than once`);
  if (!names.some((name) => (idFields as readonly string[]).includes(name))) throw unreadable(`the CSV header has no cameraID column (nor id or camera_id): the first row must name the fields, and has ${header.slice(0, 5).join(', ')}${header.length > 5 ? ', …' : ''}`);
  if (!names.some((name) => (typeFields as readonly string[]).includes(name))) throw unreadable('the CSV header has no camera_type (or type) column');
  return records.slice(headerAt + 1).map((cells) => {
    if (isBlankRow(cells)) return null;
    const record: Record<string, string> = {};
    header.forEach((name, index) => {
      const cell = cells[index];
      // An empty cell is an absent field.
      if (name !== '' && cell !== undefined && cell.trim() !== '') record[name] = cell;
    });
    const problem = cells.length === header.length ? null : `the row has ${cells.length} cells where the header names ${header.length} fields`;
    return { record, problem };
  });
}

function isBlankRow(cells: string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

interface Field {
  /** The name as the list spells it, for messages (`retrieval.port` for a nested one). */
  label: string;
  value: unknown;
}

/** One camera's fields by lower-case name; absent values (null, empty text) are left out. */
function collectFields(record: Record<string, unknown>, reasons: string[]): Map<string, Field> {
  const fields = new Map<string, Field>();
  const add = (key: string, value: unknown, label: string): void => {
    const name = key.trim().toLowerCase();
    if (name !== '' && !isAbsent(value) && !fields.has(name)) fields.set(name, { label, value });
  };
  const retrievalKey = Object.keys(record).find((key) => key.trim().toLowerCase() === 'retrieval');
  const retrieval = retrievalKey === undefined ? undefined : record[retrievalKey];
  if (retrievalKey !== undefined && !isAbsent(retrieval)) {
    // CAM2's clients send `retrieval` as JSON text and merge it over the camera's own fields; so do we.
    const nested = typeof retrieval === 'string' ? parseJsonObject(retrieval) : retrieval;
    if (isRecord(nested)) for (const [key, value] of Object.entries(nested)) add(key, value, `${retrievalKey}.${key}`);
    else reasons.push(`${retrievalKey}: ${shown(retrieval)} is not an object of address fields (snapshot_url, ip, port, image_path, video_path, m3u8_url)`);
  }
  for (const [key, value] of Object.entries(record)) if (key !== retrievalKey) add(key, value, key);
  return fields;
}

function parseJsonObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Typed reads of one camera's fields: a value that cannot be read is a reason naming the field. */
class FieldReader {
  constructor(
    private readonly fields: Map<string, Field>,
    readonly reasons: string[],
  ) {}

  text(...names: string[]): string | undefined {
    const field = this.find(names);
    if (field === undefined) return undefined;
    if (typeof field.value === 'string') return field.value.trim();
    if (typeof field.value === 'number' && Number.isFinite(field.value)) return String(field.value);
    return this.fail(field, 'is not text');
  }

  /** Like `text`, but kept as given: spaces can belong to a password. */
  secret(name: string): string | undefined {
    const field = this.find([name]);
    if (field === undefined) return undefined;
    if (typeof field.value === 'string') return field.value;
    if (typeof field.value === 'number' && Number.isFinite(field.value)) return String(field.value);
    return this.fail(field, 'is not text');
  }

  number(...names: string[]): number | undefined {
    const field = this.find(names);
    if (field === undefined) return undefined;
    const { value } = field;
    const number = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value.trim()) : NaN;
    return Number.isFinite(number) ? number : this.fail(field, 'is not a number');
  }

  boolean(...names: string[]): boolean | undefined {
    const field = this.find(names);
    if (field === undefined) return undefined;
    const { value } = field;
    if (typeof value === 'boolean') return value;
    const word = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return this.fail(field, 'is not true or false (nor 1/0, yes/no)');
  }

  /** Tags from an array, or from text separated by ";" or ",". */
  tags(name: string): string[] | undefined {
    const field = this.find([name]);
    if (field === undefined) return undefined;
    const { value } = field;
    const items = typeof value === 'string' ? value.split(/[;,]/) : Array.isArray(value) && value.every((tag) => typeof tag === 'string') ? value : null;
    return items === null ? this.fail(field, 'is not a list of tags (an array of text, or text separated by ";" or ",")') : items.map((tag) => tag.trim()).filter(Boolean);
  }

  fail(field: Field, what: string): undefined {
    this.reasons.push(`${field.label}: ${shown(field.value)} ${what}`);
    return undefined;
  }

  find(names: readonly string[]): Field | undefined {
    for (const name of names) {
      const field = this.fields.get(name);
      if (field !== undefined) return field;
    }
    return undefined;
  }
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

type Address = Pick<CameraInput, 'snapshot_url' | 'ip' | 'port' | 'image_path' | 'video_path' | 'mjpeg_url' | 'm3u8_url' | 'rtsp_url'>;

function readCamera(record: Record<string, unknown>): { id: string | null; input: CameraInput | null; reasons: string[] } {
  const reasons: string[] = [];
  const read = new FieldReader(collectFields(record, reasons), reasons);
  const id = read.text(...idFields) ?? null;
  if (id === null && read.find(idFields) === undefined) reasons.push('cameraID is missing (also read from id or camera_id)');
  const address: Address = {
    snapshot_url: read.text('snapshot_url'),
    ip: read.text('ip'),
    port: read.number('port'),
    image_path: read.text('image_path'),
    video_path: read.text('video_path'),
    mjpeg_url: read.text('mjpeg_url'),
    m3u8_url: read.text('m3u8_url'),
    rtsp_url: read.text('rtsp_url'),
  };
  const type = readType(read, address);
  // Every field is read, so that one report names everything wrong with the camera.
  const details = {
    name: read.text('name', 'description'),
    ...address,
    hls_variant: read.text('hls_variant'),
    username: read.text('username'),
    password: read.secret('password'),
    auth: readAuth(read),
    city: read.text('city'),
    state: read.text('state'),
    country: read.text('country'),
    latitude: read.number('latitude', 'lat'),
    longitude: read.number('longitude', 'lng', 'lon'),
    timezone: read.text('timezone', 'timezone_id'),
    source: read.text('source'),
    reference_url: read.text('reference_url'),
    resolution: readResolution(read),
    frame_rate: read.number('frame_rate', 'framerate'),
    is_active_image: read.boolean('is_active_image'),
    is_active_video: read.boolean('is_active_video'),
    tags: read.tags('tags'),
    enabled: read.boolean('enabled'),
    archive_interval: read.number('archive_interval'),
    retention_days: read.number('retention_days'),
    retention_bytes: read.number('retention_bytes'),
  };
  if (id === null || type === undefined || reasons.length > 0) return { id, input: null, reasons };
  return { id, input: withoutAbsent({ id, type, ...details }), reasons };
}

/** What each accepted type name stands for: a CAM2 name and a camtrove one of the same kind may stand together. */
const typeKinds = new Map<string, 'non_ip' | 'ip' | 'stream'>([
  ['non_ip', 'non_ip'],
  ['snapshot', 'non_ip'],
  ['ip', 'ip'],
  ['stream', 'stream'],
  ['mjpeg', 'stream'],
  ['hls', 'stream'],
  ['rtsp', 'stream'],
]);

/**
 * camtrove's type from CAM2's: non_ip is a snapshot URL, ip an address and paths, and stream
 * whichever stream URL the camera has (HLS, MJPEG or RTSP). camtrove's own type names pass as they are.
 */
function readType(read: FieldReader, address: Address): CameraType | undefined {
  const given = typeFields.flatMap((name) => {
    const field = read.find([name]);
    const text = read.text(name);
    return field === undefined || text === undefined ? [] : [{ label: field.label, text, name: text.toLowerCase().replace(/[- ]/g, '_') }];
  });
  if (given.length === 0) {
    if (typeFields.every((name) => read.find([name]) === undefined)) read.reasons.push(`camera_type is missing: one of ${listedTypes.join(', ')}`);
    return undefined;
  }
  const unknown = given.find(({ name }) => !typeKinds.has(name));
  if (unknown !== undefined) {
    read.reasons.push(`${unknown.label}: ${JSON.stringify(unknown.text)} is not one of ${listedTypes.join(', ')}`);
    return undefined;
  }
  const [first, second] = given;
  const isOwn = (name: string): boolean => listedCameraTypes.some((type) => type === name);
  if (first !== undefined && second !== undefined && (typeKinds.get(first.name) !== typeKinds.get(second.name) || (first.name !== second.name && isOwn(first.name) && isOwn(second.name)))) {
    read.reasons.push(`${first.label} ${JSON.stringify(first.text)} and ${second.label} ${JSON.stringify(second.text)} disagree`);
    return undefined;
  }
  // camtrove's own name says more than CAM2's (hls rather than stream), so it wins.
  const own = listedCameraTypes.find((type) => given.some(({ name }) => name === type));
  if (own !== undefined) return own;
  if (first?.name === 'non_ip') return 'snapshot';
  const stream = streamType(address);
  if (stream === undefined) read.reasons.push('a stream camera needs m3u8_url, mjpeg_url or rtsp_url (or a video_path URL of such a stream)');
  return stream;
}

/** A stream camera's type from the URL it has, filling that URL in when it came from video_path. */
function streamType(address: Address): CameraType | undefined {
  if (address.m3u8_url) return 'hls';
  if (address.mjpeg_url) return 'mjpeg';
  if (address.rtsp_url) return 'rtsp';
  const stream = address.video_path ? streamOfUrl(address.video_path) : undefined;
  if (stream === 'hls') address.m3u8_url = address.video_path;
  if (stream === 'mjpeg') address.mjpeg_url = address.video_path;
  if (stream === 'rtsp') address.rtsp_url = address.video_path;
  return stream;
}

function streamOfUrl(text: string): CameraType | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const scheme = url.protocol.toLowerCase();
  if (scheme === 'rtsp:' || scheme === 'rtsps:') return 'rtsp';
  if (scheme !== 'http:' && scheme !== 'https:') return undefined;
  const path = url.pathname.toLowerCase();
  if (path.endsWith('.m3u8')) return 'hls';
  // Axis-style /axis-cgi/mjpg/video.cgi, /video.mjpg, /mjpeg: MJPEG over HTTP.
  if (/(?:mjpe?g|cgi)$/.test(path)) return 'mjpeg';
  return undefined;
}

function readAuth(read: FieldReader): 'basic' | 'digest' | undefined {
  const auth = read.text('auth')?.toLowerCase();
  if (auth === undefined || auth === 'basic' || auth === 'digest') return auth;
  const field = read.find(['auth']);
  return field === undefined ? undefined : read.fail(field, 'is not basic or digest');
}

/** `resolution` as given ("640x480"), or CAM2's resolution_width and resolution_height; one alone says too little. */
function readResolution(read: FieldReader): string | undefined {
  const given = read.text('resolution');
  if (given !== undefined) return given;
  const width = read.number('resolution_width', 'resolution_w');
  const height = read.number('resolution_height', 'resolution_h');
  return width !== undefined && height !== undefined ? `${width}x${height}` : undefined;
}

function withoutAbsent(input: CameraInput): CameraInput {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as unknown as CameraInput;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A value as a message shows it: JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
