// The project form's interface editor: a job of boxes and its categories, as Kili's JSON interface. Pure.
import type { JsonInterface } from '../../../src/sdk/types.js';

/** A category's key from its name: "Red car" → "RED_CAR" (Kili's keys are upper case). */
export function categoryKey(name: string): string {
  return name
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The interface of one OBJECT_DETECTION job drawing rectangles, one category per non-empty line. */
export function detectionInterface(jobName: string, categoryLines: string): JsonInterface {
  const categories: Record<string, { name: string }> = {};
  for (const line of categoryLines.split('\n')) {
    const name = line.trim();
    const key = categoryKey(name);
    if (key !== '' && !(key in categories)) categories[key] = { name };
  }
  return { jobs: { [categoryKey(jobName) || 'OBJECTS']: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], required: 1, isChild: false, content: { categories, input: 'radio' } } } };
}
