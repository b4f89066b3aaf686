import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { frameBody } from '../../http/routes/frame.routes.js';
import { addCommonOptions, withLibrary, type CommonOptions } from '../context.js';
import { emit, formatByteSize, parseLimit, table } from '../output.js';
import { checkOutputFile } from '../output-path.js';

interface LsOptions extends CommonOptions {
  camera: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
  sort: string;
}

export function framesCommand(): Command {
  const frames = new Command('frames').description('browse the frames archived from cameras');

  addCommonOptions(
    frames
      .command('ls')
      .description('list a camera\'s archived frames, oldest first (or newest first: --sort -time)')
      .requiredOption('--camera <name>', 'the camera id')
      .option('--from <time>', 'frames captured at or after this time (UTC ISO 8601 with Z or an offset, or a date)')
      .option('--to <time>', 'frames captured before this time')
      .option('--limit <n>', 'how many (1-1000)', parseLimit, 100)
      .option('--sort <order>', 'time (oldest first) or -time (newest first)', 'time')
      .option('--cursor <cursor>', 'continue from a previous page')
      .option('--after <cursor>', 'the same as --cursor'),
  ).action(async (options: LsOptions & { after?: string }) => {
    await withLibrary(options, async (library) => {
      const page = await library.frames.browse(options.camera, { from: options.from, to: options.to, limit: options.limit, cursor: options.cursor ?? options.after, sort: options.sort });
      const items = page.items.map(frameBody);
      emit(options.json, { frames: items, next: page.next }, () =>
        items.length === 0
          ? `no frames of ${options.camera}${options.from || options.to ? ' in that time' : ''} (camtrove archive keeps them)`
          : table(
              ['ID', 'CAPTURED (UTC)', 'SIZE', 'WIDTH', 'HEIGHT', 'FILE'],
              items.map((f) => [f.frame_id.slice(0, 16), f.captured_at.replace('T', ' ').replace('Z', ''), formatByteSize(f.size), String(f.width ?? '-'), String(f.height ?? '-'), f.file_id.slice(0, 12)]),
            ) + (page.next ? `\nmore: --cursor ${page.next}` : ''),
      );
    });
  });

  addCommonOptions(
    frames
      .command('get')
      .description('write a frame\'s image to a path, or to stdout')
      .argument('<id>', 'frame id or unique prefix')
      .option('-o, --output <path>', 'where to write (default: stdout)'),
  ).action(async (id: string, options: CommonOptions & { output?: string }) => {
    if (options.output) await checkOutputFile(options.output, '-o');
    await withLibrary(options, async (library) => {
      const frame = await library.frames.get(id);
      const file = await library.files.resolve(frame.fileId);
      await pipeline(await library.files.open(file), options.output ? createWriteStream(options.output) : process.stdout);
      if (options.output) emit(options.json, { ...frameBody(frame), path: options.output }, () => `wrote ${formatByteSize(frame.size)} to ${options.output}`);
    });
  });
  return frames;
}
