// What the project page's forms add: video URLs with their external ids, and the events of a search
// not yet in the project (the API names an event's asset `event:<id>` and leaves those out).

export interface UrlAsset {
  url: string;
  externalId: string;
}

/**
 * One asset a line: a URL, then optionally its external id after a space. Without one the asset is
 * named by the URL's file name. Blank lines are skipped; a line whose URL is not http(s) is an error.
 */
export function parseUrlLines(text: string): { assets: UrlAsset[]; errors: string[] } {
  const assets: UrlAsset[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const [url = '', ...rest] = line.split(/\s+/);
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      // Reported below.
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      errors.push(`Line ${index + 1}: “${url}” is not an http or https URL.`);
      return;
    }
    const named = rest.join(' ');
    const fileName = decodeURIComponent(parsed.pathname.split('/').pop() ?? '');
    assets.push({ url, externalId: named || fileName || parsed.host });
  });
  return { assets, errors };
}

/** The external id of an event's asset, as POST /api/projects/{id}/assets/from-events names it. */
export function eventExternalId(eventId: string): string {
  return `event:${eventId}`;
}

/** How many of the events found would become new assets: those whose asset is not in the project already. */
export function eventsToAdd(eventIds: readonly string[], projectExternalIds: ReadonlySet<string>): number {
  return eventIds.filter((id) => !projectExternalIds.has(eventExternalId(id))).length;
}
