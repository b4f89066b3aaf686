import { eventJson } from '../domain/motion/event-json.js';
import { checkSegmentParams, SegmentParams, segmentOptionsFrom } from '../services/segment-params.js';
import { defineAnalysis } from './analysis.js';

export const analysis = defineAnalysis({
  name: 'segment',
  description:
    'Motion segmentation: the spans of the video where something moved, each with boxes, track, its moving objects followed one by one, direction, speed, colours, heatmap, zones, score, a thumbnail and a clip (file ids). The events are kept in the library, replacing those of an earlier segmentation of the same file.',
  input: 'media',
  params: SegmentParams,
  checkParams: checkSegmentParams,
  async run({ analysisId, params, input, segmenter, segmentations, workDir, progress, signal }) {
    const segmentation = await segmenter.segment(input!.path, segmentOptionsFrom(params, workDir), { signal, onProgress: progress });
    const saved = await segmentations.save({ fileId: input!.fileId, analysisId, segmentation });
    const { info, analysed } = segmentation;
    return {
      media: { file_id: input!.fileId, duration: info.duration, width: info.video?.displayWidth ?? null, height: info.video?.displayHeight ?? null, fps: info.video?.fps ?? null, captured_at: saved.media.capturedAt === null ? null : new Date(saved.media.capturedAt).toISOString(), analysed },
      events: saved.events.map((e) => eventJson(e.motion, e.colors, { thumbnailFileId: e.thumbnailFileId, clipFileId: e.clipFileId }, saved.media.capturedAt, e.id)),
      warnings: segmentation.warnings,
    };
  },
});
