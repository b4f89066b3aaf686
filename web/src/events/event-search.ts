// An event search as the /events page keeps it in its URL: the parameters of GET /api/events, by
// their own names, so a bookmark, the API call, the export and the bulk label all read the same.
import type { QueryValues } from '../../../src/sdk/connection.js';

/** Filters given as a list (repeated in the query string). */
const LIST_FILTERS = ['camera', 'label', 'color'] as const;
/** Filters given once. `zone` takes several names separated by commas, as the API reads it. */
const SINGLE_FILTERS = ['from', 'to', 'media', 'job', 'min_score', 'min_duration', 'max_duration', 'direction', 'zone', 'label_match', 'roi'] as const;

export type ListFilter = (typeof LIST_FILTERS)[number];
export type SingleFilter = (typeof SINGLE_FILTERS)[number];

export interface EventSearch {
  lists: Record<ListFilter, string[]>;
  values: Partial<Record<SingleFilter, string>>;
  sort: EventSort;
}

export const EVENT_SORTS = [
  { value: '-time', title: 'Newest first' },
  { value: 'time', title: 'Oldest first' },
  { value: 'score', title: 'Best score first' },
] as const;
export type EventSort = (typeof EVENT_SORTS)[number]['value'];

/** The page shows the newest events first unless the URL says otherwise. */
const DEFAULT_SORT: EventSort = '-time';

/** The colour names the API knows (docs/motion.md). */
export const COLOR_NAMES = ['black', 'white', 'grey', 'red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'pink', 'brown'] as const;

export const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

/** The export formats of GET /api/events/export. */
export const EXPORT_FORMATS = [
  { format: 'json', title: 'JSON' },
  { format: 'jsonl', title: 'JSON Lines' },
  { format: 'csv', title: 'CSV' },
  { format: 'xml', title: 'XML' },
] as const;

/** The search a page URL's query string holds (anything else in it, such as the open event, is not part of it). */
export function searchFromParams(params: URLSearchParams): EventSearch {
  const lists = Object.fromEntries(LIST_FILTERS.map((name) => [name, params.getAll(name).filter((v) => v !== '')])) as Record<ListFilter, string[]>;
  const values: Partial<Record<SingleFilter, string>> = {};
  for (const name of SINGLE_FILTERS) {
    const value = params.get(name)?.trim();
    if (value) values[name] = value;
  }
  const asked = params.get('sort');
  const sort = EVENT_SORTS.find((s) => s.value === asked)?.value ?? DEFAULT_SORT;
  return { lists, values, sort };
}

/** The query string of a page URL for a search (the default sort left out, so URLs stay short). */
export function searchToParams(search: EventSearch): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of LIST_FILTERS) for (const value of search.lists[name]) params.append(name, value);
  for (const name of SINGLE_FILTERS) {
    const value = search.values[name];
    if (value) params.set(name, value);
  }
  if (search.sort !== DEFAULT_SORT) params.set('sort', search.sort);
  return params;
}

/** The filters alone, as the API's query values (what labelling by search takes). */
export function filterQuery(search: EventSearch): QueryValues {
  const query: QueryValues = {};
  for (const name of LIST_FILTERS) if (search.lists[name].length > 0) query[name] = search.lists[name];
  for (const name of SINGLE_FILTERS) if (search.values[name]) query[name] = search.values[name];
  return query;
}

/** The filters and the sort: what a search and its export take. */
export function searchQuery(search: EventSearch): QueryValues {
  return { ...filterQuery(search), sort: search.sort };
}

export function hasFilters(search: EventSearch): boolean {
  return Object.keys(filterQuery(search)).length > 0;
}

/** A time of the URL (UTC ISO 8601) as a datetime-local input shows it: this browser's wall time, to the minute. */
export function localInputValue(iso: string | undefined): string {
  if (!iso) return '';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(time.getHours())}:${pad(time.getMinutes())}`;
}

/** A datetime-local input's wall time as UTC ISO 8601 (the API refuses times without a zone); empty stays undefined. */
export function isoFromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}
