import { Type, type Static } from '@sinclair/typebox';
import { cameraTypes, type CameraInput } from '../domain/cameras/camera.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

/** Every field a camera can be given, snake_case: the body of POST /api/cameras and the flags of `camtrove cameras add`. */
const cameraFields = {
  name: nullable(Type.String({ maxLength: 500, description: 'A name for people.' })),
  type: Type.Union(cameraTypes.map((t) => Type.Literal(t)), { description: 'How frames are fetched: snapshot (snapshot_url), ip (ip, port, image_path, video_path), mjpeg (mjpeg_url), hls (m3u8_url), rtsp (rtsp_url); import: a camera known only from imported files, with no address.' }),
  snapshot_url: nullable(Type.String({ description: 'http(s) URL of a JPEG or PNG.' })),
  ip: nullable(Type.String({ description: 'Host or IP address of an ip camera.' })),
  port: nullable(Type.Integer({ minimum: 1, maximum: 65535 })),
  image_path: nullable(Type.String({ description: 'Path of the snapshot on an ip camera: http://ip:port/image_path.' })),
  video_path: nullable(Type.String({ description: 'Path of the MJPEG stream on an ip camera.' })),
  mjpeg_url: nullable(Type.String()),
  m3u8_url: nullable(Type.String({ description: 'HLS playlist, live or VOD.' })),
  rtsp_url: nullable(Type.String()),
  hls_variant: nullable(Type.String({ description: 'Which variant of an HLS master playlist to archive: highest, lowest, or a height such as 720 or 1080p (the variant whose height is closest). Default: closest to 720.', examples: ['720', 'highest', 'lowest'] })),
  username: nullable(Type.String({ description: 'Credentials are stored and used, never shown again (only `auth` says there are some).' })),
  password: nullable(Type.String()),
  auth: nullable(Type.Union([Type.Literal('basic'), Type.Literal('digest')], { description: 'Default basic.' })),
  city: nullable(Type.String()),
  state: nullable(Type.String()),
  country: nullable(Type.String()),
  latitude: nullable(Type.Number({ minimum: -90, maximum: 90 })),
  longitude: nullable(Type.Number({ minimum: -180, maximum: 180 })),
  timezone: nullable(Type.String({ description: 'IANA time zone, e.g. America/Chicago.' })),
  source: nullable(Type.String({ description: 'Where the listing came from.' })),
  reference_url: nullable(Type.String()),
  resolution: nullable(Type.String({ description: 'e.g. 640x480.' })),
  frame_rate: nullable(Type.Number({ exclusiveMinimum: 0 })),
  is_active_image: nullable(Type.Boolean()),
  is_active_video: nullable(Type.Boolean()),
  tags: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
  enabled: Type.Optional(Type.Boolean({ description: 'Default true.' })),
  archive_interval: nullable(Type.Number({ exclusiveMinimum: 0, description: 'Seconds between archived frames when archived continuously.' })),
  retention_days: nullable(Type.Number({ exclusiveMinimum: 0 })),
  retention_bytes: nullable(Type.Integer({ minimum: 1 })),
};

export const CameraInputSchema = Type.Object({ id: Type.String({ description: 'Your id for the camera (e.g. the cameraID of a camera database).' }), ...cameraFields }, { additionalProperties: false });
export const CameraChangesSchema = Type.Partial(Type.Object(cameraFields), { additionalProperties: false });

export type CameraChanges = Static<typeof CameraChangesSchema>;

// The schema and the domain type must describe the same thing.
const sameShape: (input: Static<typeof CameraInputSchema>) => CameraInput = (input) => input;
void sameShape;

const text = Type.Union([Type.String(), Type.Null()]);
const number = Type.Union([Type.Number(), Type.Null()]);
const flag = Type.Union([Type.Boolean(), Type.Null()]);

/** A camera as answered (see publicCamera): credentials never, only `auth`. */
const time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const CameraHealthBody = Type.Object({
  last_success_at: time,
  last_failure_at: time,
  last_error: Type.Union([Type.String(), Type.Null()]),
  consecutive_failures: Type.Integer({ description: 'Failed ticks since the last frame.' }),
  latency_ms: Type.Union([Type.Integer(), Type.Null()], { description: 'Mean time to get a frame in the latest run.' }),
  frames_saved: Type.Integer(),
  frames_skipped: Type.Integer({ description: 'Frames that came but had not changed enough to keep.' }),
  failures: Type.Integer(),
  bytes: Type.Integer(),
  updated_at: time,
});

export const CameraBody = Type.Object({
  id: Type.String(),
  name: text,
  type: Type.String(),
  url: Type.Union([Type.String(), Type.Null()], { description: 'The address frames come from.' }),
  snapshot_url: text,
  ip: text,
  port: number,
  image_path: text,
  video_path: text,
  mjpeg_url: text,
  m3u8_url: text,
  rtsp_url: text,
  hls_variant: Type.Union([Type.String(), Type.Null()], { description: 'The HLS variant choice; null: the one closest to 720p.' }),
  auth: Type.Union([Type.String(), Type.Null()], { description: 'basic or digest when the camera has credentials; they are never shown.' }),
  city: text,
  state: text,
  country: text,
  latitude: number,
  longitude: number,
  timezone: text,
  source: text,
  reference_url: text,
  resolution: text,
  frame_rate: number,
  is_active_image: flag,
  is_active_video: flag,
  tags: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  archive_interval: number,
  retention_days: number,
  retention_bytes: number,
  distance_km: Type.Optional(Type.Number({ description: 'In a search by position: km from the point.' })),
  health: Type.Optional(Type.Union([CameraHealthBody, Type.Null()], { description: 'How archiving this camera has gone; null when it was never archived.' })),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
