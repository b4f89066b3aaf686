/** How many records of one kind use a file, and the ids of a few of them. */
export interface UsageCount {
  count: number;
  /** At most a few ids, to name in a message. */
  sample: string[];
}

/**
 * Everything in the library that refers to a file. A deletion is refused while any of it exists
 * unless the caller asks for the dependents to go too (cascade); pending or running analyses
 * refuse it even then.
 */
export interface FileUsage {
  /** Motion events of the media this file is. */
  events: UsageCount;
  /** Events of other media whose thumbnail or clip this file is. */
  previews: UsageCount;
  /** The media record of this file (its camera, time, place, probe facts): 0 or 1. */
  media: UsageCount;
  /** Archived camera frames with these bytes. */
  frames: UsageCount;
  /** Finished analyses that read the file or stored it as their result. */
  analyses: UsageCount;
  /** Pending or running analyses that read the file or are storing it. */
  activeAnalyses: UsageCount;
  /** Import items recorded as imported into this file (the sample names their jobs). */
  importItems: UsageCount;
  /** Labeling assets showing this file, as their video or as one of their frames (a labeler's work hangs on them). */
  labelAssets: UsageCount;
}

const KINDS: { key: keyof FileUsage; one: string; many: string }[] = [
  { key: 'events', one: 'event of its media', many: 'events of its media' },
  { key: 'previews', one: 'event showing it as thumbnail or clip', many: 'events showing it as thumbnail or clip' },
  { key: 'media', one: 'media record', many: 'media records' },
  { key: 'frames', one: 'archived frame', many: 'archived frames' },
  { key: 'analyses', one: 'finished analysis', many: 'finished analyses' },
  { key: 'activeAnalyses', one: 'pending or running analysis', many: 'pending or running analyses' },
  { key: 'importItems', one: 'import item', many: 'import items' },
  { key: 'labelAssets', one: 'labeling asset', many: 'labeling assets' },
];

export function isUnused(usage: FileUsage): boolean {
  return KINDS.every(({ key }) => usage[key].count === 0);
}

/** "3 events of its media (a, b, c, …), 1 media record (…)": what uses a file, with counts and a few ids. */
export function describeUsage(usage: FileUsage): string {
  const parts: string[] = [];
  for (const { key, one, many } of KINDS) {
    const { count, sample } = usage[key];
    if (count === 0) continue;
    const more = count > sample.length ? ', …' : '';
    const ids = key === 'importItems' ? `of import job${sample.length > 1 ? 's' : ''} ${sample.join(', ')}` : sample.join(', ');
    parts.push(`${count} ${count === 1 ? one : many} (${ids}${more})`);
  }
  return parts.join(', ');
}

/**
 * What a deletion of a file with these users does: `alone` (nothing uses it), `cascade` (its users
 * go too, when asked), or `refused` even with cascade, with what to do first: pending or running
 * analyses would lose their input, and labeling assets hold people's work.
 */
export type Deletion = { kind: 'alone' } | { kind: 'cascade' } | { kind: 'refused'; remedy: string };

export function deletionOf(usage: FileUsage): Deletion {
  if (usage.activeAnalyses.count > 0) return { kind: 'refused', remedy: 'cancel the pending or running analyses (or wait for them to finish) before deleting it' };
  if (usage.labelAssets.count > 0) return { kind: 'refused', remedy: 'remove those assets from their projects first (camtrove assets rm, DELETE /api/projects/{id}/assets)' };
  return isUnused(usage) ? { kind: 'alone' } : { kind: 'cascade' };
}
