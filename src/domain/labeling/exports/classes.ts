import type { JsonInterface } from '../json-interface.js';
import type { KeyValue, TrackHeader } from '../label-model.js';
import type { ExportClass } from '../export-source.js';

/** The export classes of an interface: every category of every OBJECT_DETECTION job, in the interface's order. */
export function exportClasses(jsonInterface: JsonInterface): ExportClass[] {
  const classes: ExportClass[] = [];
  for (const [job, definition] of Object.entries(jsonInterface.jobs)) {
    if (definition.mlTask !== 'OBJECT_DETECTION') continue;
    for (const [category, { name }] of Object.entries(definition.content?.categories ?? {})) classes.push({ job, category, name });
  }
  return classes;
}

/** Finds a shape's class id (0-based) from its track's job and the category its value names. */
export class ClassIndex {
  private readonly ids = new Map<string, number>();

  constructor(readonly classes: readonly ExportClass[]) {
    classes.forEach((c, id) => {
      const key = `${c.job}\u0000${c.category}`;
      if (!this.ids.has(key)) this.ids.set(key, id);
    });
  }

  /** The class id of a value of `track` (its first category), or null when it names none of the classes. */
  idOf(track: TrackHeader, value: KeyValue): number | null {
    const category = value.categories?.[0]?.name;
    if (category === undefined) return null;
    return this.ids.get(`${track.job}\u0000${category}`) ?? null;
  }
}
