import type { EventRecord } from '../../src/adapters/db/event.repository.js';
import type { MotionEvent } from '../../src/domain/motion/motion-types.js';

/** A motion event as the segmenter would describe it, with the given span and any fields changed. */
export function motionEvent(start: number, end: number, changes: Partial<MotionEvent> = {}): MotionEvent {
  const box = { x: 0.1, y: 0.2, w: 0.3, h: 0.4 };
  return {
    start, end, motionStart: start, motionEnd: end, motionFrames: 10, peakMotionPct: 2.5, meanMotionPct: 1.25, box,
    boxTrack: [{ time: start, box }], trajectory: [{ time: start, point: { x: 0.25, y: 0.4 } }], directionDeg: 90, direction: 'E', speed: 0.1,
    heatmap: Array.from({ length: 256 }, (_, i) => (i % 17 === 0 ? 1 : 0)), zones: ['gate'], score: 0.8, peakTime: start + 1, peakBox: box, objects: [],
    ...changes,
  };
}

/** An event record of a media item, red, without files. */
export function eventRecord(id: string, mediaId: string, motion: MotionEvent, more: Partial<EventRecord> = {}): EventRecord {
  return { id, mediaId, analysisId: null, cameraId: null, motion, colors: [{ rgb: [200, 30, 30], hex: '#c81e1e', name: 'red', share: 0.7 }], startedAt: null, endedAt: null, thumbnailFileId: null, clipFileId: null, createdAt: 1, ...more };
}
