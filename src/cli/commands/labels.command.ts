import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Command } from 'commander';
import { CamtroveError } from '../../domain/errors.js';
import type { JsonResponse, Label, LabelType } from '../../sdk/index.js';
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
    'the labels of a labeling project\'s assets, in Kili\'s jsonResponse format (every frame "0"…"N-1", or only key frames): add them from JSON files, list and remove them. See docs/labeling.md',
  );

  withOptions(
    labels
      .command('add')
      .description('add one label per JSON file, each to the asset named by --external-id (in order) or else by the file\'s name without .json (labels/cam1-0001.json → asset cam1-0001). A file holds a jsonResponse, or a label as `labels ls --json` prints it. All are checked first, then stored together, or none')
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

function withOptions(command: Command): Command {
  return addServerOptions(addCommonOptions(command), 'the projects of a camtrove server');
}

/** A label file: a jsonResponse, or a label object carrying one (and maybe its asset's externalId). */
async function readLabelFile(path: string, externalId: string | undefined): Promise<{ externalId: string; jsonResponse: JsonResponse }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', `${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
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
