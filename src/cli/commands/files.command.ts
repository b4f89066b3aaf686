import { createWriteStream, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Command, InvalidArgumentError } from 'commander';
import { addCommonOptions, type CommonOptions } from '../context.js';
import type { FileSummary } from '../library-api.js';
import { checkOutputFile } from '../output-path.js';
import { emit, formatByteSize, parseLimit, table } from '../output.js';
import { progressBar } from '../progress.js';
import { addServerOptions, withLibraryApi, type ServerOptions } from '../remote.js';

export function filesCommand(): Command {
  const files = new Command('files').description('add, list, fetch and remove files in the library (or a camtrove server\'s, with --server)');

  withOptions(files.command('add').description('add local files to the library (identical content is stored once)').argument('<paths...>', 'files to add', collectFile))
    .action(async (paths: string[], options: FilesOptions) => {
      await withLibraryApi(options, async (api) => {
        const added: (FileSummary & { created: boolean; path: string })[] = [];
        for (const path of paths) {
          const size = (await stat(path)).size;
          const bar = progressBar(basename(path), size, 'bytes');
          try {
            const { file, created } = await api.files.add(path, (n) => bar.update(n));
            added.push({ ...file, created, path });
          } finally {
            bar.stop();
          }
        }
        emit(options.json, { files: added }, () => added.map((f) => `${f.file_id}  ${f.created ? 'added' : 'already stored'}  ${f.path}`).join('\n'));
      });
    });

  withOptions(files.command('ls').description('list files, newest first').option('--limit <n>', 'how many (1-1000)', parseLimit, 100).option('--after <cursor>', 'continue from a previous page'))
    .action(async (options: FilesOptions & { limit: number; after?: string }) => {
      await withLibraryApi(options, async (api) => {
        const page = await api.files.list({ limit: options.limit, ...(options.after !== undefined ? { after: options.after } : {}) });
        emit(options.json, page, () =>
          page.files.length === 0
            ? 'no files yet: add some with `camtrove files add <path>`'
            : table(['ID', 'SIZE', 'TYPE', 'ADDED', 'NAME'], page.files.map((f) => [f.file_id.slice(0, 12), formatByteSize(f.size), f.content_type, f.created_at.slice(0, 19).replace('T', ' '), f.name])) +
              (page.next ? `\nmore: --after ${page.next}` : ''),
        );
      });
    });

  withOptions(files.command('get').description('write a file\'s bytes to a path, or to stdout').argument('<id>', 'file id or unique prefix').option('-o, --output <path>', 'where to write (default: stdout)'))
    .action(async (id: string, options: FilesOptions & { output?: string }) => {
      if (options.output) await checkOutputFile(options.output, '-o');
      await withLibraryApi(options, async (api) => {
        const { file, content } = await api.files.download(id);
        await pipeline(content, options.output ? createWriteStream(options.output) : process.stdout);
        if (options.output) emit(options.json, { ...file, path: options.output }, () => `wrote ${formatByteSize(file.size)} to ${options.output}`);
      });
    });

  withOptions(
    files
      .command('rm')
      .description('remove a file from the library (refused while events, media, frames, analyses or import items use it, unless --cascade)')
      .argument('<id>', 'file id or unique prefix')
      .option('--cascade', 'also delete what uses the file (its events and media, frames, finished analyses), in the same transaction'),
  ).action(async (id: string, options: FilesOptions & { cascade?: boolean }) => {
    await withLibraryApi(options, async (api) => {
      const { file, cascaded } = await api.files.remove(id, options.cascade === true);
      const also = cascaded ? Object.entries(cascaded).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind.replace('_', ' ')}`) : [];
      emit(options.json, { file_id: file.file_id, deleted: true, cascaded }, () => `removed ${file.file_id} (${file.name})${also.length > 0 ? `, with ${also.join(', ')}` : ''}`);
    });
  });
  return files;
}

type FilesOptions = CommonOptions & ServerOptions;

function withOptions(command: Command): Command {
  return addServerOptions(addCommonOptions(command), 'the files of a camtrove server\'s library');
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

