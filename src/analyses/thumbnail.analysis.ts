import { Type } from '@sinclair/typebox';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CamtroveError } from '../domain/errors.js';
import { thumbnailArgs } from '../domain/ffmpeg-commands.js';
import { defineAnalysis } from './analysis.js';

export const analysis = defineAnalysis({
  name: 'thumbnail',
  description: 'A JPEG of the frame at time `t` seconds, optionally `width` pixels wide.',
  input: 'media',
  params: Type.Object(
    {
      t: Type.Number({ minimum: 0, default: 0, description: 'Time of the frame, in seconds from the start.' }),
      width: Type.Optional(Type.Integer({ minimum: 16, maximum: 7680, description: 'Width in pixels; height keeps the aspect ratio.' })),
    },
    { additionalProperties: false },
  ),
  async run({ params, input, media, probe, workDir, storeFile, progress, signal }) {
    const info = await probe();
    if (!info.video) throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', 'the file has no video stream to take a thumbnail from');
    if (info.duration !== null && params.t >= info.duration) {
      throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `t=${params.t} is past the end of the video (${info.duration.toFixed(3)} s)`);
    }
    const output = join(workDir, 'thumbnail.jpg');
    await media.ffmpeg(thumbnailArgs(input!.path, output, { time: params.t, width: params.width }), { signal });
    if (!(await stat(output).catch(() => null))?.size) {
      throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', `no frame could be decoded at t=${params.t} s (the video may be damaged there)`);
    }
    const fileId = await storeFile(output, { name: `thumbnail-${params.t}s.jpg`, contentType: 'image/jpeg' });
    progress(1);
    const width = params.width ?? info.video.displayWidth;
    return { file_id: fileId, t: params.t, width, height: Math.round((width * info.video.displayHeight) / Math.max(1, info.video.displayWidth) / 2) * 2 };
  },
});
