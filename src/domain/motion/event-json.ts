import type { Box, DominantColor, MotionEvent, ObjectTrack } from './motion-types.js';

/** Where an event's thumbnail and clip ended up: a stored file, a written path, or nowhere. */
export interface EventOutputs {
  thumbnailFileId?: string | null;
  clipFileId?: string | null;
  thumbnailPath?: string | null;
  clipPath?: string | null;
}

/** One moving object of an event, in its JSON: times in media seconds, boxes normalised 0–1. */
export interface ObjectJson {
  id: number;
  start: number;
  end: number;
  boxes: { t: number; x: number; y: number; w: number; h: number }[];
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const box = (b: Box) => ({ x: round(b.x, 4), y: round(b.y, 4), w: round(b.w, 4), h: round(b.h, 4) });

/**
 * An event as camtrove prints and answers it (CLI `--json`, the `segment` analysis's result):
 * snake_case, times in media seconds, and UTC ISO 8601 when the media's capture time is known
 * (`capturedAt`, epoch ms of the media's first frame).
 */
export function eventJson(motion: MotionEvent, colors: readonly DominantColor[], outputs: EventOutputs, capturedAt: number | null, id?: string): Record<string, unknown> & { objects: ObjectJson[] } {
  const { thumbnail_file_id, clip_file_id, thumbnail_path, clip_path, ...summary } = eventSummaryJson(motion, colors, outputs, capturedAt, id);
  return {
    ...summary,
    box_track: motion.boxTrack.map((s) => ({ t: round(s.time, 3), ...box(s.box) })),
    trajectory: motion.trajectory.map((s) => ({ t: round(s.time, 3), x: round(s.point.x, 4), y: round(s.point.y, 4) })),
    heatmap: Array.from({ length: 16 }, (_, row) => motion.heatmap.slice(row * 16, row * 16 + 16).map((v) => round(v, 3))),
    objects: objectsJson(motion.objects),
    ...(thumbnail_file_id !== undefined ? { thumbnail_file_id } : {}),
    ...(clip_file_id !== undefined ? { clip_file_id } : {}),
    ...(thumbnail_path !== undefined ? { thumbnail_path } : {}),
    ...(clip_path !== undefined ? { clip_path } : {}),
  };
}

/** An event's objects as its JSON carries them: boxes rounded like box_track. */
export function objectsJson(objects: readonly ObjectTrack[]): ObjectJson[] {
  return objects.map((o) => ({ id: o.id, start: round(o.start, 3), end: round(o.end, 3), boxes: o.boxes.map((s) => ({ t: round(s.time, 3), ...box(s.box) })) }));
}

/**
 * Objects with their numbers rounded as their JSON shows them (a millisecond, 1/10,000 of the
 * frame): what the library stores, in half the bytes, since a busy scene's objects run to
 * thousands of boxes.
 */
export function roundedObjects(objects: readonly ObjectTrack[]): ObjectTrack[] {
  return objects.map((o) => ({ id: o.id, start: round(o.start, 3), end: round(o.end, 3), boxes: o.boxes.map((s) => ({ time: round(s.time, 3), box: box(s.box) })) }));
}

/** The same without the per-frame detail (box track, trajectory, heatmap, objects): what lists show. */
export function eventSummaryJson(motion: MotionEvent, colors: readonly DominantColor[], outputs: EventOutputs, capturedAt: number | null, id?: string): Record<string, unknown> {
  const utc = (seconds: number) => (capturedAt === null ? null : new Date(capturedAt + Math.round(seconds * 1000)).toISOString());
  return {
    ...(id ? { id } : {}),
    start: round(motion.start, 3),
    end: round(motion.end, 3),
    duration: round(motion.end - motion.start, 3),
    started_at: utc(motion.start),
    ended_at: utc(motion.end),
    motion_start: round(motion.motionStart, 3),
    motion_end: round(motion.motionEnd, 3),
    motion_frames: motion.motionFrames,
    score: round(motion.score, 3),
    peak_motion: round(motion.peakMotionPct, 3),
    mean_motion: round(motion.meanMotionPct, 3),
    box: box(motion.box),
    peak_time: round(motion.peakTime, 3),
    peak_box: box(motion.peakBox),
    direction: motion.direction,
    direction_deg: motion.directionDeg === null ? null : round(motion.directionDeg, 1),
    speed: round(motion.speed, 4),
    colors: colors.map((c) => ({ name: c.name, hex: c.hex, rgb: c.rgb, share: round(c.share, 3) })),
    zones: motion.zones,
    ...(outputs.thumbnailFileId !== undefined ? { thumbnail_file_id: outputs.thumbnailFileId } : {}),
    ...(outputs.clipFileId !== undefined ? { clip_file_id: outputs.clipFileId } : {}),
    ...(outputs.thumbnailPath !== undefined ? { thumbnail_path: outputs.thumbnailPath } : {}),
    ...(outputs.clipPath !== undefined ? { clip_path: outputs.clipPath } : {}),
  };
}
