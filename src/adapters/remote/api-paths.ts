/**
 * Every path the CLI's `--server` client calls, in one table: when the API's URL scheme changes,
 * only this changes. (The import protocol of `import --server` keeps its own, /api/imports/….)
 */
const id = (value: string) => encodeURIComponent(value);

export const API_PATHS = {
  files: '/api/files',
  file: (fileId: string) => `/api/files/${id(fileId)}`,
  analyses: '/api/analyses',
  analysis: (analysisId: string) => `/api/analyses/${id(analysisId)}`,
  cancelAnalysis: (analysisId: string) => `/api/analyses/${id(analysisId)}`,
  events: '/api/events',
  event: (eventId: string) => `/api/events/${id(eventId)}`,
  eventLabels: (eventId: string) => `/api/events/${id(eventId)}/labels`,
  eventLabel: (eventId: string, name: string) => `/api/events/${id(eventId)}/labels/${id(name)}`,
  labelMatching: '/api/events/labels',
  eventsExport: '/api/events/export',
  jobs: '/api/jobs',
  job: (jobId: string) => `/api/jobs/${id(jobId)}`,
  failedJobs: '/api/queue/failed',
  retryJob: (jobId: string) => `/api/queue/${id(jobId)}/retry`,
} as const;

/** A path with its query string: repeated parameters for arrays, nothing for absent values. */
export function withQuery(path: string, query: Record<string, string | number | boolean | readonly string[] | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
