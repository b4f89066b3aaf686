// What the labeling tool answers in a project's interface: object detection jobs with the shapes it
// draws, classification jobs per frame or for the whole asset, and child jobs on an object. Pure.
import type { JsonInterface } from '../../../src/sdk/types.js';
import { SHAPE_TOOLS, type ShapeTool } from './tracks.js';

export interface Category {
  key: string;
  name: string;
  color: string | undefined;
  /** Child jobs answered for an object of this category. */
  children: string[];
}

export interface ObjectJob {
  job: string;
  /** The job's tools the labeling tool draws, in the job's order. */
  tools: ShapeTool[];
  categories: Category[];
}

export interface ClassificationJob {
  job: string;
  name: string;
  /** Any number of categories (`checkbox`) rather than one (`radio`). */
  multiple: boolean;
  categories: Category[];
}

type JobDefinition = JsonInterface['jobs'][string];

function categoriesOf(definition: JobDefinition): Category[] {
  return Object.entries(definition.content?.categories ?? {}).map(([key, c]) => ({ key, name: c.name, color: c.color, children: c.children ?? [] }));
}

/** The OBJECT_DETECTION jobs (not child jobs) with a tool the labeling tool draws (a job without `tools` draws rectangles). */
export function objectJobs(jsonInterface: JsonInterface): ObjectJob[] {
  return Object.entries(jsonInterface.jobs)
    .filter(([, definition]) => definition.mlTask === 'OBJECT_DETECTION' && !definition.isChild)
    .map(([job, definition]) => ({ job, tools: (definition.tools ?? ['rectangle']).filter((tool): tool is ShapeTool => (SHAPE_TOOLS as readonly string[]).includes(tool)), categories: categoriesOf(definition) }))
    .filter((job) => job.tools.length > 0);
}

function classificationJob(job: string, definition: JobDefinition): ClassificationJob {
  return { job, name: definition.instruction || job, multiple: definition.content?.input === 'checkbox', categories: categoriesOf(definition) };
}

/** The CLASSIFICATION jobs answered on their own (not children): per frame or for the whole asset. */
export function classificationJobs(jsonInterface: JsonInterface): ClassificationJob[] {
  return Object.entries(jsonInterface.jobs)
    .filter(([, definition]) => definition.mlTask === 'CLASSIFICATION' && !definition.isChild)
    .map(([job, definition]) => classificationJob(job, definition));
}

/** The classification child jobs an object of `category` answers, in the order the category lists them. */
export function childJobs(jsonInterface: JsonInterface, category: Category | undefined): ClassificationJob[] {
  return (category?.children ?? []).flatMap((job) => {
    const definition = Object.hasOwn(jsonInterface.jobs, job) ? jsonInterface.jobs[job] : undefined;
    return definition?.mlTask === 'CLASSIFICATION' ? [classificationJob(job, definition)] : [];
  });
}
