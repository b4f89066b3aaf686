// The project form's interface editor: jobs drafted as form fields, turned into Kili's JSON
// interface and checked by the same rules the server applies. Pure.
import { jsonInterfaceProblems } from '../../../src/domain/labeling/json-interface.js';
import type { JsonInterface } from '../../../src/sdk/types.js';

/** A job's or category's key from its name: "Red car" → "RED_CAR" (Kili's keys are upper case). */
export function categoryKey(name: string): string {
  return name
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export type JobTask = 'OBJECT_DETECTION' | 'CLASSIFICATION' | 'TRANSCRIPTION';

/** What each drawing tool is called in the form. */
export const TOOL_NAMES: readonly [string, string][] = [
  ['rectangle', 'Boxes'],
  ['polygon', 'Polygons'],
  ['marker', 'Points'],
  ['polyline', 'Lines'],
];

/** One job as the form holds it. */
export interface JobDraft {
  /** Stable while the name is edited (React's key). */
  id: number;
  name: string;
  task: JobTask;
  /** OBJECT_DETECTION: the drawing tools. */
  tools: readonly string[];
  /** Categories, one per line (not for TRANSCRIPTION). */
  categories: string;
  /** One answer (radio) or several (checkbox). */
  multiple: boolean;
  required: boolean;
  /** A child job: asked for each object of this OBJECT_DETECTION job (its name as typed), else null. */
  askedFor: string | null;
}

let drafted = 0;

/** A new job for the form: a name not taken yet, boxes for objects. */
export function newJobDraft(existing: readonly JobDraft[], task: JobTask): JobDraft {
  const base = task === 'OBJECT_DETECTION' ? 'OBJECTS' : task === 'CLASSIFICATION' ? 'CLASSIFICATION' : 'NOTE';
  const taken = new Set(existing.map((j) => categoryKey(j.name)));
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  drafted += 1;
  return { id: drafted, name, task, tools: task === 'OBJECT_DETECTION' ? ['rectangle'] : [], categories: task === 'TRANSCRIPTION' ? '' : task === 'OBJECT_DETECTION' ? 'Car\nPerson' : 'Yes\nNo', multiple: false, required: task !== 'CLASSIFICATION', askedFor: null };
}

/**
 * Kili's JSON interface for the drafted jobs: job names and category keys in upper case (as Kili
 * writes them); a child job is listed in the `children` of every category of the job it is asked for.
 */
export function draftedInterface(drafts: readonly JobDraft[]): JsonInterface {
  const jobs: JsonInterface['jobs'] = {};
  const childrenOf = new Map<string, string[]>();
  for (const draft of drafts) {
    if (draft.askedFor === null) continue;
    const parent = categoryKey(draft.askedFor);
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), categoryKey(draft.name)]);
  }
  for (const draft of drafts) {
    const key = categoryKey(draft.name);
    const children = childrenOf.get(key);
    const categories: Record<string, { name: string; children?: string[] }> = {};
    if (draft.task !== 'TRANSCRIPTION') {
      for (const line of draft.categories.split('\n')) {
        const name = line.trim();
        const categoryId = categoryKey(name);
        if (categoryId !== '' && !(categoryId in categories)) categories[categoryId] = { name, ...(children && draft.task === 'OBJECT_DETECTION' ? { children } : {}) };
      }
    }
    jobs[key] = {
      mlTask: draft.task,
      required: draft.required ? 1 : 0,
      isChild: draft.askedFor !== null,
      ...(draft.task === 'OBJECT_DETECTION' ? { tools: [...draft.tools] } : {}),
      content: draft.task === 'TRANSCRIPTION' ? { input: 'textField' } : { categories, input: draft.multiple ? 'checkbox' : 'radio' },
    };
  }
  return { jobs };
}

/** What is wrong with the drafted jobs, in the form's words where the form can say it better. */
export function draftProblems(drafts: readonly JobDraft[]): string[] {
  const problems: string[] = [];
  const names = new Map<string, string>();
  for (const draft of drafts) {
    const key = categoryKey(draft.name);
    if (key === '') problems.push('a job needs a name (letters or digits)');
    else if (names.has(key)) problems.push(`jobs "${names.get(key)}" and "${draft.name}" have the same name (${key})`);
    else names.set(key, draft.name);
    if (draft.askedFor !== null && !drafts.some((d) => d !== draft && d.task === 'OBJECT_DETECTION' && categoryKey(d.name) === categoryKey(draft.askedFor!))) {
      problems.push(`job ${key || '(unnamed)'} is asked for the objects of "${draft.askedFor}", which is not a job of objects`);
    }
  }
  return problems.length > 0 ? problems : jsonInterfaceProblems(draftedInterface(drafts));
}

/** The form's jobs for an interface written as JSON (the "Edit as JSON" text), or null when the form cannot show it. */
export function draftsOf(jsonInterface: JsonInterface): JobDraft[] | null {
  const entries = Object.entries(jsonInterface.jobs);
  const parentOf = new Map<string, string>();
  for (const [name, job] of entries) {
    for (const category of Object.values(job.content?.categories ?? {})) for (const child of category.children ?? []) parentOf.set(child, name);
  }
  const drafts: JobDraft[] = [];
  for (const [name, job] of entries) {
    if (job.mlTask !== 'OBJECT_DETECTION' && job.mlTask !== 'CLASSIFICATION' && job.mlTask !== 'TRANSCRIPTION') return null;
    drafted += 1;
    drafts.push({
      id: drafted,
      name,
      task: job.mlTask,
      tools: job.tools ?? [],
      categories: Object.values(job.content?.categories ?? {}).map((c) => c.name).join('\n'),
      multiple: job.content?.input === 'checkbox' || job.content?.input === 'multipleDropdown',
      required: job.required === true || job.required === 1,
      askedFor: parentOf.get(name) ?? null,
    });
  }
  // Only when the form writes back the same interface: otherwise the JSON text stays the editor.
  return canonical(draftedInterface(drafts)) === canonical(withDefaults(jsonInterface)) ? drafts : null;
}

/** The interface with the defaults the form writes spelled out (required 0, isChild false, the input). */
function withDefaults(jsonInterface: JsonInterface): JsonInterface {
  const jobs: JsonInterface['jobs'] = {};
  for (const [name, job] of Object.entries(jsonInterface.jobs)) {
    const input = job.content?.input ?? (job.mlTask === 'TRANSCRIPTION' ? 'textField' : 'radio');
    jobs[name] = { ...job, required: job.required === true || job.required === 1 ? 1 : 0, isChild: job.isChild ?? false, content: { ...job.content, input } };
  }
  return { ...jsonInterface, jobs };
}

/** JSON text with object keys sorted, so two values compare whatever their keys' order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([p], [q]) => (p < q ? -1 : 1))) : v));
}

/** What the editor holds: the drafted jobs, or the interface's JSON text while it is edited as text. */
export interface EditorValue {
  drafts: readonly JobDraft[];
  jsonText: string | null;
}

/** The interface the editor describes, null while it has problems (named). */
export function editedInterface(value: EditorValue): { jsonInterface: JsonInterface | null; problems: string[] } {
  if (value.jsonText === null) {
    const problems = draftProblems(value.drafts);
    return { jsonInterface: problems.length === 0 ? draftedInterface(value.drafts) : null, problems };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.jsonText);
  } catch (error) {
    return { jsonInterface: null, problems: [`the JSON does not parse: ${(error as Error).message}`] };
  }
  const problems = jsonInterfaceProblems(parsed);
  return { jsonInterface: problems.length === 0 ? (parsed as JsonInterface) : null, problems };
}

/** The editor's jobs again from its JSON text, or null when the form cannot show that interface. */
export function draftsOfText(jsonText: string): JobDraft[] | null {
  try {
    const parsed = JSON.parse(jsonText) as unknown;
    return jsonInterfaceProblems(parsed).length === 0 ? draftsOf(parsed as JsonInterface) : null;
  } catch {
    return null;
  }
}
