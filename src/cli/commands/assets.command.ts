import { Command } from 'commander';
import { CamtroveError } from '../../domain/errors.js';
import type { AppendResult, Asset, AssetField, AssetFilters, BatchFailure } from '../../sdk/index.js';
import { addCommonOptions, type CommonOptions } from '../context.js';
import { withLabelingSession, type LabelingSession } from '../labeling-session.js';
import { emit, table } from '../output.js';
import { progressBar } from '../progress.js';
import { addServerOptions, type ServerOptions } from '../remote.js';
import { addFilterOptions, filterInput, type FilterFlags } from './events.command.js';
import { count, findProject, more, pageSize } from './projects.command.js';
import { jsonObject, planAdd, uploadProgress, type AddFlags } from '../asset-add-plan.js';

type AssetFlags = CommonOptions & ServerOptions;
const collect = (value: string, previous: string[]) => [...previous, value];
/** A list flag: comma-separated, and repeatable. */
const collectList = (value: string, previous: string[]) => [...previous, ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')];

export function assetsCommand(): Command {
  const assets = new Command('assets').description(
    'the videos of a labeling project (assets): add local files, URLs, image lists or library events, list, show and remove them. Each asset is prepared once added: probed and its frames indexed (frame k = the k-th decoded frame). See docs/labeling.md',
  );

  withOptions(
    assets
      .command('add')
      .description('add videos to a project, one asset each: local files (uploaded, stored once by content), http(s) URLs (the server fetches them) or library references camtrove:file/<id> and camtrove:event/<id>; or image lists played as one video with --frames. Waits until every asset is prepared')
      .argument('<project>', 'the project id')
      .argument('[videos...]', 'video files (mp4, mkv, 3gp, avi, m4v, mov, webm), URLs or camtrove: references; files and URLs cannot be mixed in one call')
      .option('--external-id <id>', 'your id for the asset, unique in the project (default: a random one); repeat once per asset, in order', collect, [])
      .option('--frames <images>', 'one asset made of these images, in order: a comma-separated list of image files or URLs, or @FILE naming a file with one per line; repeat for more assets', collect, [])
      .option('--split-frames', 'label the frames as images instead of the video as a video (processingParameters.shouldUseNativeVideo false)')
      .option('--fps <n>', 'sample the video at this many frames per second instead of keeping every frame (processingParameters.framesPlayedPerSecond)')
      .option('--metadata <json>', 'the asset\'s jsonMetadata, a JSON object such as {"site": "north"}: once for every asset, or once per asset in order', collect, [])
      .option('--no-wait', 'return once the assets are added, without waiting for their preparation'),
  ).action(async (project: string, videos: string[], flags: AddFlags & AssetFlags) => {
    const plan = await planAdd(videos, flags);
    await withLabelingSession(flags, async (session) => {
      await findProject(session.sdk, project);
      const progress = await uploadProgress(plan.locals);
      let answer: AppendResult;
      try {
        answer = await session.sdk.appendManyToDataset({
          projectId: project,
          ...(plan.contents ? { contentArray: plan.contents } : {}),
          ...(plan.frameLists ? { jsonContentArray: plan.frameLists } : {}),
          ...(plan.externalIds ? { externalIdArray: plan.externalIds } : {}),
          ...(plan.metadata ? { jsonMetadataArray: plan.metadata } : {}),
          waitUntilAvailability: false,
          ...(progress ? { onProgress: progress.onProgress } : {}),
        });
      } finally {
        progress?.stop();
      }
      await report(session, project, answer, flags);
    }, { workers: flags.wait });
  });

  addFilterOptions(
    assets
      .command('from-events')
      .description('make every motion event the filters match an asset of the project (external id event:<event id>), with its camera, times, score and labels in its metadata; events already there are left alone, so running it again adds only new ones. The filters are those of `camtrove events ls`')
      .argument('<project>', 'the project id'),
  )
    .option('--no-wait', 'return once the assets are added, without waiting for their preparation')
    .option('--no-preannotate', 'do not give each asset the PREDICTION label (model camtrove-motion) of its moving objects')
    .option('--category <[label=]key>', 'the category of the predictions: a category key of the project\'s first rectangle job, or label=key for events with that label (repeatable; default: the job\'s first category)', collect, [])
    .action(async (project: string, flags: FilterFlags & { wait: boolean; preannotate: boolean; category: string[] }) => {
      const where = Object.fromEntries(Object.entries(filterInput(flags)).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
      const categoryMapping = Object.fromEntries(flags.category.map((c) => (c.includes('=') ? [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)] : ['*', c])));
      await withLabelingSession(flags, async (session) => {
        await findProject(session.sdk, project);
        const answer = await session.sdk.appendEventsToDataset({ projectId: project, where, waitUntilAvailability: false, preannotate: flags.preannotate, ...(flags.category.length > 0 ? { categoryMapping } : {}) });
        await report(session, project, answer, flags);
      }, { workers: flags.wait });
    });

  withOptions(
    assets
      .command('ls')
      .description('list a project\'s assets, oldest first; every filter applies')
      .argument('<project>', 'the project id')
      .option('--asset-id <id>', 'only this asset')
      .option('--external-id-in <ids>', 'external ids that contain any of these (comma-separated, repeatable)', collectList, [])
      .option('--external-id-strictly-in <ids>', 'external ids equal to one of these (comma-separated, repeatable)', collectList, [])
      .option('--metadata-where <json>', 'metadata values: {"site": "north"} equal, {"site": ["north", "south"]} any of, {"speed": [10, 20]} a number from 10 to 20')
      .option('--fields <names>', 'with --json, only these fields (comma-separated), e.g. id,externalId,numberOfFrames', collectList, [])
      .option('--first <n>', 'how many (1-1000)', pageSize, 100)
      .option('--skip <n>', 'skip this many first', count, 0),
  ).action(async (project: string, flags: AssetFlags & { assetId?: string; externalIdIn: string[]; externalIdStrictlyIn: string[]; metadataWhere?: string; fields: string[]; first: number; skip: number }) => {
    const filters: AssetFilters = {
      projectId: project,
      ...(flags.assetId !== undefined ? { assetId: flags.assetId } : {}),
      ...(flags.externalIdIn.length > 0 ? { externalIdIn: flags.externalIdIn } : {}),
      ...(flags.externalIdStrictlyIn.length > 0 ? { externalIdStrictlyIn: flags.externalIdStrictlyIn } : {}),
      ...(flags.metadataWhere !== undefined ? { metadataWhere: jsonObject(flags.metadataWhere, '--metadata-where', 'CAMTROVE_ERR_INVALID_QUERY') } : {}),
    };
    await withLabelingSession(flags, async ({ sdk }) => {
      const [found, total] = await Promise.all([
        sdk.assets({ ...filters, first: flags.first, skip: flags.skip, ...(flags.fields.length > 0 ? { fields: flags.fields as AssetField[] } : {}) }),
        sdk.countAssets(filters),
      ]);
      emit(flags.json, { assets: found, total }, () => {
        if (total === 0) return 'no assets match';
        return table(['ID', 'EXTERNAL ID', 'STATE', 'FRAMES', 'SIZE', 'FPS', 'CREATED (UTC)'], found.map(assetRow)) + more(flags.skip, found.length, total);
      });
    }, { workers: false });
  });

  withOptions(assets.command('show').description('one asset: its source, state, frames, size, rate and metadata (--json: the whole record)').argument('<project>', 'the project id').argument('<asset>', 'the asset id, or its external id'))
    .action(async (project: string, ref: string, flags: AssetFlags) => {
      await withLabelingSession(flags, async ({ sdk }) => {
        const asset = await findAsset(sdk, project, ref);
        emit(flags.json, asset, () => assetText(asset));
      }, { workers: false });
    });

  withOptions(
    assets
      .command('rm')
      .description('remove assets from a project, by asset id or by --external-id (the library keeps their files)')
      .argument('<project>', 'the project id')
      .argument('[assets...]', 'asset ids')
      .option('--external-id <id>', 'an asset\'s external id instead (comma-separated, repeatable)', collectList, []),
  ).action(async (project: string, ids: string[], flags: AssetFlags & { externalId: string[] }) => {
    if ((ids.length > 0) === (flags.externalId.length > 0)) {
      throw new CamtroveError('CAMTROVE_ERR_BAD_REQUEST', ids.length > 0 ? 'give asset ids or --external-id, not both' : 'name the assets to remove: asset ids, or --external-id ID');
    }
    await withLabelingSession(flags, async ({ sdk }) => {
      const deleted = await sdk.deleteManyFromDataset({ projectId: project, ...(ids.length > 0 ? { assetIds: ids } : { externalIds: flags.externalId }) });
      emit(flags.json, deleted, () => `removed ${deleted.deleted} asset${deleted.deleted === 1 ? '' : 's'} from project ${project}`);
    }, { workers: false });
  });

  return assets;
}

function withOptions(command: Command): Command {
  return addServerOptions(addCommonOptions(command), 'the projects of a camtrove server');
}

/** Prints what an import added and skipped, waits for the preparation of its assets (unless --no-wait), and names those that failed. */
async function report(session: LabelingSession, project: string, answer: AppendResult, flags: CommonOptions & { wait: boolean }): Promise<void> {
  for (const warning of answer.warnings) process.stderr.write(`warning: ${warning}\n`);
  const batchId = answer.batchId;
  const prepared = flags.wait && answer.assetIds.length > 0;
  const failed = prepared ? await waitForPreparation(session, project, answer.assetIds, batchId) : [];
  const result = { id: answer.id, assetIds: answer.assetIds, batchId, warnings: answer.warnings, skipped: answer.skipped, ...(prepared ? { failed } : {}) };
  emit(flags.json, result, () => {
    const added = answer.assetIds.length;
    const skipped = answer.skipped.length > 0 ? ` (${answer.skipped.length} skipped)` : '';
    const state = !prepared ? (added > 0 ? '; they are being prepared (`camtrove assets ls` shows their state)' : '') : failed.length > 0 ? `, ${added - failed.length} ready, ${failed.length} failed` : ', all ready';
    return [`added ${added} asset${added === 1 ? '' : 's'} to project ${project}${skipped}${state}`, ...answer.assetIds.map((id) => `  ${id}`)].join('\n');
  });
  for (const f of failed) process.stderr.write(`error: asset ${f.externalId} (${f.assetId}) could not be prepared: ${f.error.message} (${f.error.code})\n`);
  if (failed.length > 0) process.exitCode = 1;
}

/** Polls the preparation of the added assets with a progress bar until none is pending; returns those that failed. */
async function waitForPreparation(session: LabelingSession, projectId: string, assetIds: readonly string[], batchId: string | null): Promise<BatchFailure[]> {
  const bar = progressBar('preparing', assetIds.length, 'percent');
  const pending = new Set(assetIds);
  const failed: BatchFailure[] = [];
  try {
    for (;;) {
      if (batchId !== null) {
        const status = await session.batch(projectId, batchId);
        bar.update(status.total - status.pending);
        if (status.pending === 0) return status.failed;
      } else {
        for (const assetId of [...pending]) {
          const [asset] = await session.sdk.assets({ projectId, assetId, fields: ['externalId', 'processing'], first: 1 });
          if (asset?.processing.state === 'PENDING') continue;
          pending.delete(assetId);
          if (asset?.processing.state === 'FAILED') failed.push({ assetId, externalId: asset.externalId, error: asset.processing.error ?? { code: 'CAMTROVE_ERR_MEDIA_PROCESSING', message: 'preparation failed' } });
        }
        bar.update(assetIds.length - pending.size);
        if (pending.size === 0) return failed;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    bar.stop();
  }
}

async function findAsset(sdk: LabelingSession['sdk'], project: string, ref: string): Promise<Asset> {
  const [byExternalId] = await sdk.assets({ projectId: project, externalIdStrictlyIn: [ref], first: 1 });
  if (byExternalId) return byExternalId;
  const [byId] = /^[0-9a-f]{32}$/.test(ref) ? await sdk.assets({ projectId: project, assetId: ref, first: 1 }) : [];
  if (byId) return byId;
  throw new CamtroveError('CAMTROVE_ERR_ASSET_NOT_FOUND', `project ${project} has no asset with id or external id ${JSON.stringify(ref)}`);
}

function assetRow(a: Partial<Asset>): string[] {
  return [
    a.id ?? '-',
    a.externalId ?? '-',
    a.processing?.state ?? '-',
    a.numberOfFrames === null || a.numberOfFrames === undefined ? '-' : String(a.numberOfFrames),
    a.resolution ? `${a.resolution.width}x${a.resolution.height}` : '-',
    typeof a.frameRate === 'number' ? String(Math.round(a.frameRate * 100) / 100) : '-',
    a.createdAt ? a.createdAt.slice(0, 19).replace('T', ' ') : '-',
  ];
}

function assetText(a: Partial<Asset>): string {
  const value = (v: string | number | null | undefined, unit = '') => (v === null || v === undefined ? '-' : `${v}${unit}`);
  const state = a.processing ? (a.processing.error ? `${a.processing.state}: ${a.processing.error.message} (${a.processing.error.code})` : a.processing.state) : '-';
  const rows: [string, string][] = [
    ['external id', value(a.externalId)],
    ['project', value(a.projectId)],
    ['content', a.jsonContent ? `${a.jsonContent.length} images` : value(a.content)],
    ['state', state],
    ['frames', value(a.numberOfFrames)],
    ['size', a.resolution ? `${a.resolution.width}x${a.resolution.height}${a.rotation ? ` (rotated ${a.rotation}°)` : ''}` : '-'],
    ['frame rate', value(a.frameRate, ' fps')],
    ['codec', value(a.codec)],
    ['start time', value(a.startTime, ' s')],
    ['duration', value(a.duration, ' s')],
    ['created', value(a.createdAt)],
    ['metadata', a.jsonMetadata ? JSON.stringify(a.jsonMetadata) : '-'],
  ];
  return [`asset ${value(a.id)}`, ...rows.map(([name, v]) => `  ${`${name}:`.padEnd(13)}${v}`), '', `its frames: GET /api/assets/${value(a.id)}/frames; everything: --json`].join('\n');
}
