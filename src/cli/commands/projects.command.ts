import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { INPUT_TYPES, type InputType } from '../../domain/labeling/json-interface.js';
import { CamtroveError } from '../../domain/errors.js';
import type { Camtrove, JsonInterface, Project } from '../../sdk/index.js';
import { addCommonOptions, type CommonOptions } from '../context.js';
import { withLabelingSession } from '../labeling-session.js';
import { emit, table } from '../output.js';
import { addServerOptions, type ServerOptions } from '../remote.js';

type ProjectFlags = CommonOptions & ServerOptions;

export function projectsCommand(): Command {
  const projects = new Command('projects').description(
    'labeling projects: a project holds videos (assets) to label and the interface labelers use (jobs such as "classify the vehicle" or "draw a box around each person"). See docs/labeling.md',
  );

  withOptions(
    projects
      .command('create')
      .description('create a project and print its id (add videos to it with `camtrove assets add`)')
      .requiredOption('--title <text>', 'the project\'s name, shown to labelers')
      .option('--description <text>', 'what the project is for', '')
      .addOption(new Option('--input-type <type>', 'VIDEO: label videos frame by frame as videos; IMAGE: label each frame as an image').choices(INPUT_TYPES).default('VIDEO'))
      .requiredOption('--interface <file.json|json>', 'the JSON interface, in Kili\'s shape {"jobs": {"JOB": {"mlTask": "OBJECT_DETECTION", "tools": ["rectangle"], "content": {"categories": {"CAR": {"name": "Car"}}}}}}: a file holding it, or the JSON itself', parseInterface),
  ).action(async (flags: ProjectFlags & { title: string; description: string; inputType: InputType; interface: JsonInterface }) => {
    await withLabelingSession(flags, async ({ sdk }) => {
      const { id } = await sdk.createProject({ title: flags.title, description: flags.description, inputType: flags.inputType, jsonInterface: flags.interface });
      emit(flags.json, { id }, () => `created project ${id}: add videos with \`camtrove assets add ${id} FILE...\``);
    }, { workers: false });
  });

  withOptions(projects.command('ls').description('list projects, oldest first').option('--first <n>', 'how many (1-1000)', pageSize, 100).option('--skip <n>', 'skip this many first', count, 0))
    .action(async (flags: ProjectFlags & { first: number; skip: number }) => {
      await withLabelingSession(flags, async ({ sdk }) => {
        const [found, total] = await Promise.all([sdk.projects({ first: flags.first, skip: flags.skip }), sdk.countProjects()]);
        emit(flags.json, { projects: found, total }, () => {
          if (total === 0) return 'no projects yet: create one with `camtrove projects create --title T --interface FILE.json`';
          const rows = found.map((p) => [p.id, p.inputType, String(p.numberOfAssets), p.createdAt.slice(0, 19).replace('T', ' '), p.title]);
          return table(['ID', 'TYPE', 'ASSETS', 'CREATED (UTC)', 'TITLE'], rows) + more(flags.skip, found.length, total);
        });
      }, { workers: false });
    });

  withOptions(projects.command('show').description('one project: its title, type, number of assets and interface (--json: the whole record)').argument('<project>', 'the project id'))
    .action(async (id: string, flags: ProjectFlags) => {
      await withLabelingSession(flags, async ({ sdk }) => {
        const project = await findProject(sdk, id);
        emit(flags.json, project, () => projectText(project));
      }, { workers: false });
    });

  withOptions(projects.command('rm').description('delete a project with all its assets and their frames (files stay in the library)').argument('<project>', 'the project id'))
    .action(async (id: string, flags: ProjectFlags) => {
      await withLabelingSession(flags, async ({ sdk }) => {
        const deleted = await sdk.deleteProject(id);
        emit(flags.json, deleted, () => `deleted project ${deleted.id} with ${deleted.deletedAssets} asset${deleted.deletedAssets === 1 ? '' : 's'}`);
      }, { workers: false });
    });

  return projects;
}

function withOptions(command: Command): Command {
  return addServerOptions(addCommonOptions(command), 'the projects of a camtrove server');
}

/** The project with this id, or PROJECT_NOT_FOUND naming it. */
export async function findProject(sdk: Pick<Camtrove, 'projects'>, id: string): Promise<Project> {
  const [project] = await sdk.projects({ projectId: id });
  if (!project) throw new CamtroveError('CAMTROVE_ERR_PROJECT_NOT_FOUND', `no project has id ${id} (\`camtrove projects ls\` lists them)`);
  return project;
}

/** `--interface`: JSON text (it starts with `{`) or the path of a file that holds it. */
function parseInterface(value: string): JsonInterface {
  const inline = value.trimStart().startsWith('{');
  let text = value;
  if (!inline) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (error) {
      throw new InvalidArgumentError((error as NodeJS.ErrnoException).code === 'ENOENT' ? `no such file ${value} (give a JSON file, or the JSON itself)` : (error as Error).message);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`${inline ? 'the text' : value} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError(`${inline ? 'the text' : value} is not a JSON object like {"jobs": {...}}`);
  return parsed as JsonInterface;
}

/** `--first`: a page of 1 to 1000. */
export function pageSize(value: string): number {
  const n = count(value);
  if (n < 1 || n > 1000) throw new InvalidArgumentError('expected an integer from 1 to 1000');
  return n;
}

/** `--skip` and the like: an integer from 0. */
export function count(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('expected an integer from 0');
  return Number(value);
}

/** The line under a page that says what else there is. */
export function more(skip: number, shown: number, total: number): string {
  if (skip + shown >= total) return '';
  return `\n${skip + 1}-${skip + shown} of ${total}; more: --skip ${skip + shown}`;
}

function projectText(project: Project): string {
  const jobs = Object.entries(project.jsonInterface.jobs ?? {}).map(([name, job]) => {
    const categories = Object.keys(job.content?.categories ?? {});
    const parts = [job.mlTask, ...(job.tools && job.tools.length > 0 ? [`tools ${job.tools.join(', ')}`] : []), ...(categories.length > 0 ? [`categories ${categories.join(', ')}`] : [])];
    return `    ${name}${job.isChild ? ' (child)' : ''}: ${parts.join('; ')}`;
  });
  const rows: [string, string][] = [
    ['title', project.title],
    ['type', project.inputType],
    ['assets', String(project.numberOfAssets)],
    ['created', project.createdAt],
    ['updated', project.updatedAt],
    ['description', project.description === '' ? '-' : project.description],
  ];
  return [`project ${project.id}`, ...rows.map(([name, value]) => `  ${`${name}:`.padEnd(13)}${value}`), '  jobs:', ...(jobs.length > 0 ? jobs : ['    none']), '', 'the whole interface: --json; its assets: camtrove assets ls ' + project.id].join('\n');
}
