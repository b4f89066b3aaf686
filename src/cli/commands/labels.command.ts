import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { Command } from 'commander';
import { CamtroveError } from '../../domain/errors.js';
import type { ExportFormat, JsonResponse, Label, LabelType } from '../../sdk/index.js';
import { progressBar } from '../progress.js';
import { checkOutputFile } from '../output-path.js';
import { addCommonOptions, type CommonOptions } from '../context.js';
import { withLabelingSession } from '../labeling-session.js';
import { emit, table } from '../output.js';
import { addServerOptions, type ServerOptions } from '../remote.js';
import { count, findProject, more, pageSize } from './projects.command.js';

type LabelFlags = CommonOptions & ServerOptions;
const LABEL_TYPES = ['DEFAULT', 'AUTOSAVE', 'REVIEW', 'PREDICTION', 'INFERENCE'];
const collect = (value: string, previous: string[]) => [...previous, value];
const collectList = (value: string, previous: string[]) => [...previous, ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')];

export function labelsCommand(): Command {
  const labels = new Command('labels').description(
    'the labels of a labeling project\'s assets, in Kili\'s jsonResponse format (every frame "0"…"N-1", or only key frames): add them from JSON or CVAT files, list, export and remove them. See docs/labeling.md',
  );

  withOptions(
    labels
      .command('add')
      .description('add one label per file, each to the asset named by --external-id (in order) or else by the file\'s name without its extension (labels/cam1-0001.json → asset cam1-0001). A JSON file holds a jsonResponse, or a label as `labels ls --json` or a kili export prints it; an .xml file is CVAT for video 1.1 (its key frames and outside flags kept). JSON labels are checked first, then stored together, or none')
      .argument('<project>', 'the project id')
      .argument('<files...>', 'JSON files, one label each')
      .option('--external-id <id>', 'the asset of each file, in order (repeat once per file)', collect, [])
      .option('--type <type>', `the label type: ${LABEL_TYPES.join(', ')}`, 'DEFAULT')
      .option('--model <name>', 'the model that made these labels (required for PREDICTION and INFERENCE)')
      .option('--author <id>', 'who made them')
      .option('--overwrite', 'replace the labels of the same type (and model) on those assets'),
  ).action(async (project: string, files: string[], flags: LabelFlags & { externalId: string[]; type: string; model?: string; author?: string; overwrite?: boolean }) => {
    if (!LABEL_TYPES.includes(flags.type)) throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `--type: "${flags.type}" is not one of ${LABEL_TYPES.join(', ')}`);
    if (flags.externalId.length > 0 && flags.externalId.length !== files.length) {
      throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `${flags.externalId.length} --external-id for ${files.length} files: give one per file, in order, or none (the file names name the assets)`);
    }
    const xml = files.filter((f) => extname(f).toLowerCase() === '.xml');
    if (xml.length > 0 && xml.length !== files.length) throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', 'give JSON label files or CVAT XML files, not both in one call');
    if (xml.length > 0) {
      await importCvat(project, files, flags);
      return;
    }
    const read = await Promise.all(files.map((file, i) => readLabelFile(file, flags.externalId[i])));
    await withLabelingSession(flags, async ({ sdk }) => {
      await findProject(sdk, project);
      const answer = await sdk.appendLabels({
        projectId: project,
        assetExternalIdArray: read.map((r) => r.externalId),
        jsonResponseArray: read.map((r) => r.jsonResponse),
        labelType: flags.type as LabelType,
        ...(flags.model !== undefined ? { modelName: flags.model } : {}),
        ...(flags.author !== undefined ? { authorIdArray: read.map(() => flags.author!) } : {}),
        ...(flags.overwrite ? { overwrite: true } : {}),
      });
      emit(flags.json, answer, () => {
        const replaced = answer.replaced > 0 ? ` (replacing ${answer.replaced})` : '';
        return [`added ${answer.labels.length} label${answer.labels.length === 1 ? '' : 's'} to project ${project}${replaced}`, ...answer.labels.map((l) => `  ${l.id}  ${l.externalId}`)].join('\n');
      });
    }, { workers: false });
  });

  withOptions(
    labels
      .command('ls')
      .description('list a project\'s labels, oldest first')
      .argument('<project>', 'the project id')
      .option('--external-id <id>', 'only the labels of this asset')
      .option('--type <types>', `only these types (comma-separated, repeatable): ${LABEL_TYPES.join(', ')}`, collectList, [])
      .option('--with-json-response', 'with --json, each label\'s jsonResponse too (every frame)')
      .option('--first <n>', 'how many (1-1000)', pageSize, 100)
      .option('--skip <n>', 'skip this many first', count, 0),
  ).action(async (project: string, flags: LabelFlags & { externalId?: string; type: string[]; withJsonResponse?: boolean; first: number; skip: number }) => {
    const filter = {
      projectId: project,
      ...(flags.externalId !== undefined ? { assetExternalId: flags.externalId } : {}),
      ...(flags.type.length > 0 ? { labelTypeIn: flags.type as LabelType[] } : {}),
    };
    const fields = ['id', 'externalId', 'assetId', 'labelType', 'authorId', 'modelName', 'secondsToLabel', 'createdAt', 'isLatestLabelForUser', 'numberOfAnnotations', 'numberOfKeyFrames', ...(flags.withJsonResponse ? ['jsonResponse'] : [])] as (keyof Label)[];
    await withLabelingSession(flags, async ({ sdk }) => {
      const [found, total] = await Promise.all([sdk.labels({ ...filter, fields, first: flags.first, skip: flags.skip }), sdk.countLabels(filter)]);
      emit(flags.json, { labels: found, total }, () => {
        if (total === 0) return 'no labels match';
        const rows = found.map((l) => [l.id ?? '-', l.externalId ?? '-', l.labelType ?? '-', l.modelName ?? l.authorId ?? '-', String(l.numberOfAnnotations ?? '-'), String(l.numberOfKeyFrames ?? '-'), (l.createdAt ?? '-').slice(0, 19).replace('T', ' ')]);
        return table(['ID', 'ASSET', 'TYPE', 'MODEL OR AUTHOR', 'TRACKS', 'KEY FRAMES', 'CREATED (UTC)'], rows) + more(flags.skip, found.length, total);
      });
    }, { workers: false });
  });

  withOptions(
    labels
      .command('export')
      .description('export the labels of a project as a zip: kili (every frame, 0-based), cvat_video (CVAT for video 1.1 XML, 0-based), mot (MOTChallenge, 1-based), yolo_v8 (a label file per frame, named by frame index + 1) or coco (an image per frame, track_id on each box). Each asset exports its latest label of the types asked (default DEFAULT and REVIEW; a REVIEW wins). See docs/label-exports.md')
      .argument('<project>', 'the project id')
      .requiredOption('--fmt <format>', 'kili, cvat_video, mot, yolo_v8 or coco')
      .requiredOption('-o, --output <file>', 'the zip to write')
      .option('--external-id <ids>', 'only these assets (comma-separated, repeatable)', collectList, [])
      .option('--type <types>', `whose labels: these types (comma-separated, repeatable; default DEFAULT,REVIEW): ${LABEL_TYPES.join(', ')}`, collectList, [])
      .option('--single-file', 'kili: one data.json instead of one file per asset')
      .option('--no-interpolate', 'key frames only (kili writes every frame anyway, marked isKeyFrame)')
      .option('--annotated-only', 'leave out frames without annotations (yolo_v8, coco)')
      .option('--with-assets', 'yolo_v8, coco: the frames\' images too (images/<name>.jpg)'),
  ).action(async (project: string, flags: LabelFlags & { fmt: string; output: string; externalId: string[]; type: string[]; singleFile?: boolean; interpolate: boolean; annotatedOnly?: boolean; withAssets?: boolean }) => {
    await checkOutputFile(flags.output, '-o');
    const filename = resolve(flags.output);
    await withLabelingSession(flags, async ({ sdk }) => {
      await findProject(sdk, project);
      const progress: { bar: ReturnType<typeof progressBar> | null } = { bar: null };
      try {
        const done = await sdk.exportLabels({
          projectId: project,
          fmt: flags.fmt as ExportFormat,
          filename,
          ...(flags.externalId.length > 0 ? { externalIds: flags.externalId } : {}),
          ...(flags.type.length > 0 ? { labelTypeIn: flags.type as LabelType[] } : {}),
          ...(flags.singleFile ? { singleFile: true } : {}),
          interpolate: flags.interpolate,
          ...(flags.annotatedOnly ? { annotatedOnly: true } : {}),
          ...(flags.withAssets ? { withAssets: true } : {}),
          onProgress: (state) => {
            progress.bar ??= progressBar('exporting', Math.max(state.progress.assetsTotal, 1), 'percent');
            progress.bar.update(state.progress.assetsDone);
          },
        });
        progress.bar?.stop();
        progress.bar = null;
        emit(flags.json, { ...done.export, filename }, () => `exported ${done.export.progress.assetsDone} asset${done.export.progress.assetsDone === 1 ? '' : 's'} as ${flags.fmt} to ${filename} (${done.export.sizeBytes ?? 0} bytes)`);
      } finally {
        progress.bar?.stop();
      }
    }, { workers: true });
  });

  withOptions(
    labels
      .command('rm')
      .description('delete labels by id')
      .argument('<project>', 'the project id')
      .argument('<labels...>', 'label ids'),
  ).action(async (project: string, ids: string[], flags: LabelFlags) => {
    await withLabelingSession(flags, async ({ sdk }) => {
      const answer = await sdk.deleteLabels({ projectId: project, ids });
      emit(flags.json, answer, () => `deleted ${answer.deleted} label${answer.deleted === 1 ? '' : 's'} of project ${project}`);
    }, { workers: false });
  });

  return labels;
}

/** CVAT for video XML files, one label each, added one by one. */
async function importCvat(project: string, files: readonly string[], flags: LabelFlags & { externalId: string[]; type: string; model?: string; author?: string; overwrite?: boolean }): Promise<void> {
  const contents = await Promise.all(files.map(async (file) => ({ file, text: await readText(file) })));
  await withLabelingSession(flags, async ({ sdk }) => {
    await findProject(sdk, project);
    const added: { id: string; externalId: string }[] = [];
    for (const [i, { file, text }] of contents.entries()) {
      const answer = await sdk.importLabels({
        projectId: project,
        fmt: 'cvat_video',
        content: text,
        assetExternalId: flags.externalId[i] ?? basename(file, extname(file)),
        labelType: flags.type as LabelType,
        ...(flags.model !== undefined ? { modelName: flags.model } : {}),
        ...(flags.author !== undefined ? { authorId: flags.author } : {}),
        ...(flags.overwrite ? { overwrite: true } : {}),
      });
      for (const warning of answer.warnings) process.stderr.write(`warning: ${file}: ${warning}\n`);
      added.push(...answer.labels);
    }
    emit(flags.json, { labels: added }, () => [`added ${added.length} label${added.length === 1 ? '' : 's'} to project ${project}`, ...added.map((l) => `  ${l.id}  ${l.externalId}`)].join('\n'));
  }, { workers: false });
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function withOptions(command: Command): Command {
  return addServerOptions(addCommonOptions(command), 'the projects of a camtrove server');
}

/** A label file: a jsonResponse, or a label object carrying one (and maybe its asset's externalId). */
async function readLabelFile(path: string, externalId: string | undefined): Promise<{ externalId: string; jsonResponse: JsonResponse }> {
  const text = await readText(path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `${path}: not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `${path}: expected a JSON object (a jsonResponse, or a label with one)`);
  const record = parsed as Record<string, unknown>;
  const wrapped = typeof record.jsonResponse === 'object' && record.jsonResponse !== null;
  const named = wrapped && typeof record.externalId === 'string' ? record.externalId : basename(path, extname(path));
  return { externalId: externalId ?? named, jsonResponse: (wrapped ? record.jsonResponse : record) as JsonResponse };
}
