import { Type } from '@sinclair/typebox';
import { videoInfoJson } from '../domain/video-info.js';
import { defineAnalysis } from './analysis.js';

export const analysis = defineAnalysis({
  name: 'probe',
  description: 'Media facts from ffprobe: duration, streams, codecs, size, fps, rotation, creation time.',
  input: 'media',
  params: Type.Object({}, { additionalProperties: false }),
  async run({ probe, progress }) {
    const info = await probe();
    progress(1);
    return videoInfoJson(info);
  },
});
