import { basename } from 'node:path';
import { analysisBody } from '../http/routes/analysis.routes.js';
import { cascadedBody, fileBody } from '../http/routes/file.routes.js';
import type { Library } from '../main.js';
import type { FileSummary, LibraryApi } from './library-api.js';

/** The library of this machine behind the commands' LibraryApi. */
export function localApi(library: Library): LibraryApi {
  const summary = (file: Parameters<typeof fileBody>[0]): FileSummary => {
    const { created_at: _created, ...rest } = fileBody(file);
    return rest;
  };
  return {
    local: library,
    files: {
      add: async (path, onProgress) => {
        const { file, created } = await library.files.addFromPath(path, { name: basename(path), onProgress });
        return { file: summary(file), created };
      },
      list: async (page) => {
        const found = await library.files.list(page);
        return { files: found.items.map(fileBody), next: found.next };
      },
      download: async (id) => {
        const file = await library.files.resolve(id);
        return { file: summary(file), content: await library.files.open(file) };
      },
      remove: async (id, cascade) => {
        const { file, cascaded } = await library.files.delete(id, { cascade });
        return { file: summary(file), cascaded: cascaded ? cascadedBody(cascaded) : null };
      },
    },
    analyses: {
      start: async (input) => analysisBody(await library.analyses.start(input)),
      get: async (id) => analysisBody(await library.analyses.get(id)),
      cancel: async (id) => void (await library.analyses.cancel(id)),
    },
    events: {
      search: (input) => library.events.search(input),
      get: (id) => library.events.get(id),
      addLabel: (id, label) => library.events.addLabel(id, label),
      removeLabel: (id, name) => library.events.removeLabel(id, name),
      labelMatching: (input, label) => library.events.labelMatching(input, label),
      export: async (input, format) => {
        if (format === 'by-date') return { pieces: [await library.events.labelsByDate(input)], count: () => null };
        const { pieces, summary: counted } = await library.events.exportEvents(input, format);
        return { pieces, count: () => counted.count };
      },
    },
    jobs: library.imports,
    failedJobs: library.failedJobs,
  };
}
