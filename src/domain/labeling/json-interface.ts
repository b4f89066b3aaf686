import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CamtroveError } from '../errors.js';
import { MAX_JSON_DEPTH, valueNestsDeeperThan } from '../json-depth.js';

/**
 * A labeling project's JSON interface, in Kili's shape: `{jobs: {JOB_NAME: {mlTask, instruction,
 * required, isChild, isVisible, content: {categories: {KEY: {name, children, color, shortcut}}, input},
 * tools}}}`. TypeBox checks the shape; the rules between jobs are checked by hand, and every problem
 * is reported at once, each naming its job (and category key).
 *
 * Decisions:
 * - mlTask: CLASSIFICATION, OBJECT_DETECTION, TRANSCRIPTION. Kili's other tasks are for text, PDF or
 *   audio (named entities, page-level, speech to text, ranking), or need answer shapes the labels do
 *   not define yet (pose estimation, object relations), so they are refused rather than half-kept.
 * - tools (OBJECT_DETECTION only, at least one): rectangle, polygon, marker (a point), polyline and
 *   semantic (a segmentation drawn as polygons): the vertex-based tools Kili offers on images and
 *   video. pose, range and vector are refused.
 * - Duplicate category keys: a JSON object cannot hold the same key twice once parsed (the last copy
 *   wins silently), so what can still be seen is checked: keys that differ only in case ("car" and
 *   "CAR", which collide in exports and class files) and two categories of one job with the same name.
 *   Duplicate keys in the raw text are found by `duplicateJsonKeys` (json-duplicate-keys.ts) where the
 *   text is at hand (the CLI reading a file).
 * - `required` may be 0/1 or a boolean (Kili writes 0/1); it is normalised to 0 or 1, absent = 0.
 *   `isChild` absent = false, `isVisible` absent = true. Keys this module does not know (Kili's
 *   `isNew`, `models`, a category's `id` or `jsonMetadata`...) are kept as given.
 * - A child job is one named in some category's `children`; it must exist and be marked isChild, and
 *   a job marked isChild must be some category's child (else no answer could ever reach it). Child
 *   jobs that contain each other (A's category lists B, B's lists A) are refused.
 */

export type InputType = 'VIDEO' | 'IMAGE';
export const INPUT_TYPES: readonly InputType[] = ['VIDEO', 'IMAGE'];
export const ML_TASKS: readonly string[] = ['CLASSIFICATION', 'OBJECT_DETECTION', 'TRANSCRIPTION'];
export const TOOLS: readonly string[] = ['rectangle', 'polygon', 'marker', 'polyline', 'semantic'];

/** The `content.input` each task accepts (absent is accepted everywhere). */
const INPUTS: Record<string, readonly string[]> = {
  CLASSIFICATION: ['radio', 'checkbox', 'singleDropdown', 'multipleDropdown'],
  OBJECT_DETECTION: ['radio', 'checkbox', 'singleDropdown', 'multipleDropdown'],
  TRANSCRIPTION: ['textField', 'number', 'date'],
};

export interface CategoryDefinition { name: string; children?: string[]; color?: string; shortcut?: string; [k: string]: unknown }
export interface JobDefinition {
  mlTask: string;
  instruction?: string;
  required?: number | boolean;
  isChild?: boolean;
  isVisible?: boolean;
  content?: { categories?: Record<string, CategoryDefinition>; input?: string; [k: string]: unknown };
  tools?: string[];
  [k: string]: unknown;
}
export interface JsonInterface { jobs: Record<string, JobDefinition>; [k: string]: unknown }

const CategorySchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  children: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  color: Type.Optional(Type.String()),
  shortcut: Type.Optional(Type.String()),
});
const JobSchema = Type.Object({
  mlTask: Type.String({ minLength: 1 }),
  instruction: Type.Optional(Type.String()),
  required: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1), Type.Boolean()])),
  isChild: Type.Optional(Type.Boolean()),
  isVisible: Type.Optional(Type.Boolean()),
  content: Type.Optional(Type.Object({
    categories: Type.Optional(Type.Record(Type.String(), CategorySchema)),
    input: Type.Optional(Type.String()),
  })),
  tools: Type.Optional(Type.Array(Type.String())),
});
type CheckedJob = Static<typeof JobSchema>;

function invalid(problems: string[]): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_INVALID_INTERFACE', `invalid jsonInterface: ${problems.join('; ')}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Throws CamtroveError('CAMTROVE_ERR_INVALID_INTERFACE', message naming job and key). Returns the normalised interface. */
export function validateJsonInterface(value: unknown): JsonInterface {
  const problems = jsonInterfaceProblems(value);
  if (problems.length > 0) throw invalid(problems);
  const jobs = (value as { jobs: Record<string, JobDefinition> }).jobs;

  // fromEntries defines each job as an own property, even one named __proto__.
  const normalised = Object.fromEntries(Object.entries(jobs).map(([name, job]): [string, JobDefinition] =>
    [name, { ...structuredClone(job), required: job.required === true || job.required === 1 ? 1 : 0, isChild: job.isChild ?? false, isVisible: job.isVisible ?? true }]));
  return { ...structuredClone(value as JsonInterface), jobs: normalised };
}

/** What is wrong with an interface, each problem named (none when it is valid); the web app's project form shows them as the interface is edited. */
export function jsonInterfaceProblems(value: unknown): string[] {
  if (!isPlainObject(value)) return ['it must be an object {jobs: {JOB_NAME: job}}'];
  if (valueNestsDeeperThan(value, MAX_JSON_DEPTH)) return [`it nests deeper than ${MAX_JSON_DEPTH} levels`];
  const jobs = value.jobs;
  if (!isPlainObject(jobs)) return ['jobs must be an object {JOB_NAME: job}'];
  if (Object.keys(jobs).length === 0) return ['jobs is empty: give at least one job'];

  const problems: string[] = [];
  const checked = new Map<string, CheckedJob>();
  for (const [name, job] of Object.entries(jobs)) {
    if (name.trim() === '') problems.push('a job has an empty name');
    const shape = [...Value.Errors(JobSchema, job)].map((e) => `${e.path.replace(/^\//, '') || 'the job'}: ${e.message.toLowerCase()}`);
    if (shape.length > 0) problems.push(`job ${name}: ${[...new Set(shape)].join(', ')}`);
    else checked.set(name, job as CheckedJob);
  }
  for (const [name, job] of checked) problems.push(...jobProblems(name, job));
  problems.push(...childProblems(checked));
  return problems;
}

/** What is wrong with one job on its own: its task, input, tools and category keys and names. */
function jobProblems(name: string, job: CheckedJob): string[] {
  const problems: string[] = [];
  if (!ML_TASKS.includes(job.mlTask)) {
    problems.push(`job ${name}: unknown mlTask ${JSON.stringify(job.mlTask)}; accepted: ${ML_TASKS.join(', ')}`);
    return problems;
  }
  const input = job.content?.input;
  if (input !== undefined && !INPUTS[job.mlTask]!.includes(input)) {
    problems.push(`job ${name}: unknown content.input ${JSON.stringify(input)} for ${job.mlTask}; accepted: ${INPUTS[job.mlTask]!.join(', ')}`);
  }
  if (job.mlTask === 'OBJECT_DETECTION') {
    if (!job.tools || job.tools.length === 0) problems.push(`job ${name}: OBJECT_DETECTION needs tools (one or more of ${TOOLS.join(', ')})`);
    for (const tool of job.tools ?? []) {
      if (!TOOLS.includes(tool)) problems.push(`job ${name}: unknown tool ${JSON.stringify(tool)}; accepted: ${TOOLS.join(', ')}`);
    }
    if (new Set(job.tools).size !== (job.tools ?? []).length) problems.push(`job ${name}: a tool is listed twice in tools`);
  } else if (job.tools !== undefined && job.tools.length > 0) {
    problems.push(`job ${name}: tools are for OBJECT_DETECTION jobs only, not ${job.mlTask}`);
  }
  const categories = Object.entries(job.content?.categories ?? {});
  if (job.mlTask !== 'TRANSCRIPTION' && categories.length === 0) problems.push(`job ${name}: ${job.mlTask} needs content.categories (one or more)`);
  if (job.mlTask === 'TRANSCRIPTION' && categories.length > 0) problems.push(`job ${name}: TRANSCRIPTION takes no categories`);
  const byLowerKey = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const [key, category] of categories) {
    if (key.trim() === '') problems.push(`job ${name}: a category has an empty key`);
    const sameKey = byLowerKey.get(key.toLowerCase());
    if (sameKey !== undefined) problems.push(`job ${name}: duplicate category key ${key} (differs from ${sameKey} only in case)`);
    else byLowerKey.set(key.toLowerCase(), key);
    const sameName = byName.get(category.name);
    if (sameName !== undefined) problems.push(`job ${name}: categories ${sameName} and ${key} have the same name ${JSON.stringify(category.name)}`);
    else byName.set(category.name, key);
    if (new Set(category.children).size !== (category.children ?? []).length) problems.push(`job ${name}: category ${key} lists a child job twice`);
  }
  return problems;
}

/** Children that are missing or not marked isChild, isChild jobs nobody names, and cycles among child jobs. */
function childProblems(jobs: ReadonlyMap<string, CheckedJob>): string[] {
  const problems: string[] = [];
  const childrenOf = new Map<string, Set<string>>();
  const named = new Set<string>();
  for (const [name, job] of jobs) {
    const children = new Set<string>();
    for (const [key, category] of Object.entries(job.content?.categories ?? {})) {
      for (const child of category.children ?? []) {
        named.add(child);
        const target = jobs.get(child);
        if (target === undefined) problems.push(`job ${name}: category ${key} names child job ${child}, which does not exist`);
        else if (target.isChild !== true) problems.push(`job ${name}: category ${key} names child job ${child}, which is not marked isChild: true`);
        else children.add(child);
      }
    }
    childrenOf.set(name, children);
  }
  for (const [name, job] of jobs) {
    if (job.isChild === true && !named.has(name)) problems.push(`job ${name}: marked isChild but no category names it in children`);
  }
  const cycle = findCycle(childrenOf);
  if (cycle) problems.push(`child jobs form a cycle: ${cycle.join(' → ')}`);
  return problems;
}

/** One cycle of the graph as a path that ends where it starts, or null. Iterative depth-first search. */
function findCycle(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  for (const root of edges.keys()) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    const iterators = [edges.get(root)!.values()];
    state.set(root, 'open');
    while (path.length > 0) {
      const next = iterators[iterators.length - 1]!.next();
      if (next.done) {
        state.set(path.pop()!, 'done');
        iterators.pop();
        continue;
      }
      const child = next.value;
      if (state.get(child) === 'open') return [...path.slice(path.indexOf(child)), child];
      if (state.has(child)) continue;
      state.set(child, 'open');
      path.push(child);
      iterators.push((edges.get(child) ?? new Set<string>()).values());
    }
  }
  return null;
}

/** Jobs/categories used by labels that `next` no longer has; [] when none. */
export function orphanedBy(
  next: JsonInterface,
  used: readonly { job: string; category: string | null }[],
): { job: string; category: string | null }[] {
  const orphaned: { job: string; category: string | null }[] = [];
  const seen = new Set<string>();
  for (const entry of used) {
    const job = Object.hasOwn(next.jobs, entry.job) ? next.jobs[entry.job] : undefined;
    const categories = job?.content?.categories ?? {};
    const gone = job === undefined || (entry.category !== null && !Object.hasOwn(categories, entry.category));
    const id = JSON.stringify([entry.job, entry.category]);
    if (gone && !seen.has(id)) {
      seen.add(id);
      orphaned.push({ job: entry.job, category: entry.category });
    }
  }
  return orphaned;
}
