import { createWriteStream, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Command, InvalidArgumentError } from 'commander';
import { cascadedBody, fileBody } from '../../http/routes/file.routes.js';
import { addCommonOptions, withLibrary, type CommonOptions } from '../context.js';
import { checkOutputFile } from '../output-path.js';
import { emit, formatByteSize, parseLimit, table } from '../output.js';
import { progressBar } from '../progress.js';

export function filesCommand(): Command {
  const files = new Command('files').description('add, list, fetch and remove files in the library');

  addCommonOptions(files.command('add').description('add local files to the library (identical content is stored once)').argument('<paths...>', 'files to add', collectFile))
    .action(async (paths: string[], options: CommonOptions) => {
      await withLibrary(options, async (library) => {
        const added: (ReturnType<typeof fileBody> & { created: boolean; path: string })[] = [];
        for (const path of paths) {
          const size = (await stat(path)).size;
          const bar = progressBar(basename(path), size, 'bytes');
          try {
            const { file, created } = await library.files.addFromPath(path, { name: basename(path), onProgress: (n) => bar.update(n) });
            added.push({ ...fileBody(file), created, path });
          } finally {
            bar.stop();
          }
        }
        emit(options.json, { files: added }, () => added.map((f) => `${f.file_id}  ${f.created ? 'added' : 'already stored'}  ${f.path}`).join('\n'));
      });
    });

  addCommonOptions(files.command('ls').description('list files, newest first').option('--limit <n>', 'how many (1-1000)', parseLimit, 100).option('--after <cursor>', 'continue from a previous page'))
    .action(async (options: CommonOptions & { limit: number; after?: string }) => {
      await withLibrary(options, async (library) => {
        const page = await library.files.list({ limit: options.limit, after: options.after });
        const items = page.items.map(fileBody);
        emit(options.json, { files: items, next: page.next }, () =>
          items.length === 0
            ? 'no files yet: add some with `camtrove files add <path>`'
            : table(['ID', 'SIZE', 'TYPE', 'ADDED', 'NAME'], items.map((f) => [f.file_id.slice(0, 12), formatByteSize(f.size), f.content_type, f.created_at.slice(0, 19).replace('T', ' '), f.name])) +
              (page.next ? `\nmore: --after ${page.next}` : ''),
        );
      });
    });

  addCommonOptions(files.command('get').description('write a file\'s bytes to a path, or to stdout').argument('<id>', 'file id or unique prefix').option('-o, --output <path>', 'where to write (default: stdout)'))
    .action(async (id: string, options: CommonOptions & { output?: string }) => {
      if (options.output) await checkOutputFile(options.output, '-o');
      await withLibrary(options, async (library) => {
        const file = await library.files.resolve(id);
        await pipeline(await library.files.open(file), options.output ? createWriteStream(options.output) : process.stdout);
        if (options.output) emit(options.json, { ...fileBody(file), path: options.output }, () => `wrote ${formatByteSize(file.size)} to ${options.output}`);
      });
    });

  addCommonOptions(
    files
      .command('rm')
      .description('remove a file from the library (refused while events, media, frames, analyses or import items use it, unless --cascade)')
      .argument('<id>', 'file id or unique prefix')
      .option('--cascade', 'also delete what uses the file (its events and media, frames, finished analyses), in the same transaction'),
  ).action(async (id: string, options: CommonOptions & { cascade?: boolean }) => {
    await withLibrary(options, async (library) => {
      const { file, cascaded } = await library.files.delete(id, { cascade: options.cascade === true });
      const counts = cascaded && cascadedBody(cascaded);
      const also = counts ? Object.entries(counts).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind.replace('_', ' ')}`) : [];
      emit(options.json, { file_id: file.id, deleted: true, cascaded: counts }, () => `removed ${file.id} (${file.name})${also.length > 0 ? `, with ${also.join(', ')}` : ''}`);
    });
  });
  return files;
}

/** Checks each path to add before anything is stored, so a typo fails the whole command up front. */
function collectFile(path: string, previous: string[] | undefined): string[] {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new InvalidArgumentError((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message);
  }
  if (!isFile) throw new InvalidArgumentError('not a regular file (to add a folder, list its files)');
  return [...(previous ?? []), path];
}

