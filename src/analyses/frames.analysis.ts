import { Type } from '@sinclair/typebox';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CamtroveError } from '../domain/errors.js';
import { framesArgs, type FrameSelection } from '../domain/ffmpeg-commands.js';
import { defineAnalysis } from './analysis.js';

export const analysis = defineAnalysis({
  name: 'frames',
  description: 'Extracts frames as image files: `fps` frames per second, or every `every_nth` frame.',
  input: 'media',
  params: Type.Object(
    {
      fps: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 240, description: 'Frames per second to extract (default 1 when every_nth is not given).' })),
      every_nth: Type.Optional(Type.Integer({ minimum: 1, description: 'Keep every Nth decoded frame instead of a rate.' })),
      width: Type.Optional(Type.Integer({ minimum: 16, maximum: 7680, description: 'Width in pixels; height keeps the aspect ratio.' })),
      format: Type.Union([Type.Literal('jpg'), Type.Literal('png')], { default: 'jpg', description: 'Image format.' }),
      max_frames: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000, description: 'Stop after this many frames.' }),
    },
    { additionalProperties: false },
  ),
  checkParams: (params) => (params.fps !== undefined && params.every_nth !== undefined ? 'give either fps or every_nth, not both' : null),
  async run({ params, input, media, probe, workDir, storeFile, progress, signal }) {
    const info = await probe();
    if (!info.video) throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', 'the file has no video stream to extract frames from');
    const select: FrameSelection = params.every_nth !== undefined ? { everyNth: params.every_nth } : { fps: params.fps ?? 1 };
    const pattern = join(workDir, `frame-%06d.${params.format}`);
    const args = framesArgs(input!.path, pattern, { select, width: params.width, format: params.format, maxFrames: params.max_frames });
    await media.ffmpeg(args, { signal, duration: info.duration, onProgress: (f) => progress(f * 0.8) });
    const names = (await readdir(workDir)).filter((n) => n.startsWith('frame-')).sort();
    const contentType = params.format === 'jpg' ? 'image/jpeg' : 'image/png';
    const sourceFps = info.video.fps ?? 25;
    const frames = [];
    for (const [index, name] of names.entries()) {
      const fileId = await storeFile(join(workDir, name), { name, contentType });
      // Times follow from the selection: the fps filter emits frame i at i/fps; every_nth keeps frame i·n.
      const time = 'fps' in select ? index / select.fps : (index * select.everyNth) / sourceFps;
      frames.push({ index, time: Math.round(time * 1000) / 1000, file_id: fileId });
      progress(0.8 + (0.2 * (index + 1)) / names.length);
    }
    return { count: frames.length, frames };
  },
});
