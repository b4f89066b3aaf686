import { Type } from '@sinclair/typebox';
import { join } from 'node:path';
import { CamtroveError } from '../domain/errors.js';
import { PRESETS, transcodeArgs } from '../domain/ffmpeg-commands.js';
import { defineAnalysis } from './analysis.js';

export const analysis = defineAnalysis({
  name: 'transcode',
  description: 'Re-encodes to MP4 (H.264 or H.265, yuv420p, fast start) so browsers and other tools can read the video.',
  input: 'media',
  params: Type.Object(
    {
      codec: Type.Union([Type.Literal('h264'), Type.Literal('h265')], { default: 'h264', description: 'Video codec.' }),
      crf: Type.Integer({ minimum: 0, maximum: 51, default: 23, description: 'Constant rate factor: lower is better quality and larger files.' }),
      preset: Type.Union(PRESETS.map((p) => Type.Literal(p)), { default: 'medium', description: 'Encoder speed/size trade-off.' }),
      max_height: Type.Optional(Type.Integer({ minimum: 16, maximum: 8640, description: 'Scale down to at most this height.' })),
      audio: Type.Boolean({ default: true, description: 'Keep the first audio stream (as AAC).' }),
    },
    { additionalProperties: false },
  ),
  async run({ params, input, media, probe, workDir, storeFile, progress, signal }) {
    const info = await probe();
    if (!info.video) throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', 'the file has no video stream to transcode');
    const output = join(workDir, 'transcoded.mp4');
    const args = transcodeArgs(input!.path, output, { codec: params.codec, crf: params.crf, preset: params.preset, maxHeight: params.max_height, audio: params.audio });
    await media.ffmpeg(args, { signal, duration: info.duration, onProgress: (f) => progress(f * 0.98) });
    const out = await media.probe(output, signal);
    const fileId = await storeFile(output, { name: 'transcoded.mp4', contentType: 'video/mp4' });
    progress(1);
    return { file_id: fileId, codec: params.codec, duration: out.duration, size: out.size, width: out.video?.width ?? null, height: out.video?.height ?? null };
  },
});
