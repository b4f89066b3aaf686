import type { Background } from './scenario.js';

/** Textures are made this large once and scaled down to each clip. */
const TEXTURE_SIZE = '1920x1080';

/**
 * The ffmpeg arguments that make the still for `background` as a PNG. `vtest` is the per-pixel
 * median of vtest.avi sampled once a second: each spot of the path is empty most of the time, so
 * the median is the empty path. The others are the first frame of a seeded lavfi source.
 */
export function backgroundCommand(background: Background, vtest: string | null, output: string): string[] {
  const args = ['-v', 'error', '-y'];
  switch (background) {
    case 'vtest':
      if (!vtest) throw new Error('the vtest background needs vtest.avi (in ../shared/data, or the folder CAMTROVE_SAMPLE_DATA names)');
      // 80 samples over the clip's 79.5 s; tmedian's first output is the median of frames 0–78.
      args.push('-i', vtest, '-vf', 'fps=1,tmedian=radius=39');
      break;
    case 'mandelbrot':
      args.push('-f', 'lavfi', '-i', `mandelbrot=s=${TEXTURE_SIZE}:start_scale=1.5`);
      break;
    case 'cellauto':
      // Cells of a few pixels at 640×360, softened a little: a busy texture that shows every shake.
      args.push('-f', 'lavfi', '-i', 'cellauto=s=160x90:rule=110:random_fill_ratio=0.5:random_seed=7:full=1', '-vf', `scale=${TEXTURE_SIZE.replace('x', ':')}:flags=neighbor,gblur=sigma=2`);
      break;
    case 'gradients':
      // Colours given: gradients picks random ones otherwise, whatever the seed.
      args.push('-f', 'lavfi', '-i', `gradients=s=${TEXTURE_SIZE}:nb_colors=5:c0=0x6a7f8c:c1=0xb8a27a:c2=0x4f6b3a:c3=0xd9d4c7:c4=0x8c5a48:seed=7`);
      break;
    case 'testsrc2':
      args.push('-f', 'lavfi', '-i', `testsrc2=s=${TEXTURE_SIZE}`);
      break;
  }
  args.push('-frames:v', '1', output);
  return args;
}

/** The background a clip falls back to when vtest.avi is absent. */
export const VTEST_STAND_IN: Background = 'mandelbrot';
