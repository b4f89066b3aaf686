/**
 * The one catalogue of camtrove error codes. The API answers `{ error: { code, message } }` with the
 * status listed here, the CLI prints the message and exits non-zero, and docs/errors.md documents
 * every code (a test keeps the two in step).
 */
export const errorCatalogue = {
  CAMTROVE_ERR_BAD_REQUEST: { status: 400, retryable: false, summary: 'The request is malformed (bad JSON, wrong content type, a field of the wrong type).' },
  CAMTROVE_ERR_INVALID_ID: { status: 400, retryable: false, summary: 'An id is not hexadecimal, or not 6 characters up to the full id long (64 for a file, 32 for an analysis, event or frame); a token id is not 4 to 16 hex characters.' },
  CAMTROVE_ERR_AMBIGUOUS_ID: { status: 409, retryable: false, summary: 'An id prefix matches more than one file, analysis, event, camera or import job: the message names a few of them; give more characters.' },
  CAMTROVE_ERR_FILE_NOT_FOUND: { status: 404, retryable: false, summary: 'No file has this id (or id prefix).' },
  CAMTROVE_ERR_CAMERA_NOT_FOUND: { status: 404, retryable: false, summary: 'No camera has this id.' },
  CAMTROVE_ERR_FRAME_NOT_FOUND: { status: 404, retryable: false, summary: 'No archived frame has this id (or id prefix).' },
  CAMTROVE_ERR_CAMERA_EXISTS: { status: 409, retryable: false, summary: 'A camera with this id, or with the same address, is already registered.' },
  CAMTROVE_ERR_CAMERA_UNREACHABLE: { status: 502, retryable: true, summary: 'A camera could not be reached: connection refused, an unknown host, an unreachable network.' },
  CAMTROVE_ERR_CAMERA_TIMEOUT: { status: 504, retryable: true, summary: 'A camera did not deliver a complete image within the deadline (no answer, or a trickle).' },
  CAMTROVE_ERR_CAMERA_BAD_RESPONSE: { status: 502, retryable: true, summary: 'A camera answered with something that is not a frame: an error status, an HTML page, an empty, oversized or cut-off body, a redirect loop, an RTSP redirect (never followed), an HLS playlist that lists a non-HTTP URI such as a local file (nothing in it is fetched), or is encrypted other than with AES-128 and a key camtrove can fetch (SAMPLE-AES, DRM, a missing key).' },
  CAMTROVE_ERR_CAMERA_FORBIDDEN: { status: 403, retryable: false, summary: 'A camera address, a redirect, or a URL given to `camtrove segment` is outside the networks cameras may be fetched from (CAMTROVE_CAMERA_NETWORKS), is link-local or a cloud metadata address, or is not a network address at all (a `file:`, `concat:`, `data:`… URL, or one without a host).' },
  CAMTROVE_ERR_CAMERA_AUTH: { status: 502, retryable: false, summary: 'A camera refused the credentials it was given (or wants some and has none).' },
  CAMTROVE_ERR_INVALID_CAMERA: { status: 400, retryable: false, summary: 'A camera cannot be registered as given: the message names the camera and the field (id, type, URL, location, credentials).' },
  CAMTROVE_ERR_LOCKED: { status: 409, retryable: true, summary: 'Another process holds the lock this work needs (one import into a library at a time); the message names it (host, pid, what it does).' },
  CAMTROVE_ERR_IMPORT_JOB_NOT_FOUND: { status: 404, retryable: false, summary: 'No import job has this id.' },
  CAMTROVE_ERR_INVALID_IMPORT: { status: 400, retryable: false, summary: 'An import cannot start as asked: a folder that does not exist, an invalid regex, a regex without a camera group, a bad flag value.' },
  CAMTROVE_ERR_CONTENT_MISMATCH: { status: 422, retryable: false, summary: 'Bytes sent under a SHA-256 hash to `import --server` have another hash: the file changed while it was sent, or it was damaged on the way. Nothing was stored.' },
  CAMTROVE_ERR_SERVER_UNREACHABLE: { status: 502, retryable: true, summary: 'The camtrove server given to `--server` (import, files, analyze, events, jobs) could not be reached, or answered something that is not camtrove (a proxy\'s error page).' },
  CAMTROVE_ERR_NO_SPACE: { status: 507, retryable: true, summary: 'The disk holding the library is full (or over quota): what was being stored was not kept, and no partial file is left. Delete files to free space (deletes work on a full disk) and try again.' },
  CAMTROVE_ERR_INVALID_QUERY: { status: 400, retryable: false, summary: 'An event search or frame browse parameter is malformed or contradictory (an unknown sort, a time without a zone, from after to, a cursor from another search); the message names the parameter.' },
  CAMTROVE_ERR_EVENT_NOT_FOUND: { status: 404, retryable: false, summary: 'No event has this id.' },
  CAMTROVE_ERR_ANALYSIS_NOT_FOUND: { status: 404, retryable: false, summary: 'No analysis has this id (or id prefix).' },
  CAMTROVE_ERR_ROUTE_NOT_FOUND: { status: 404, retryable: false, summary: 'No endpoint answers this method and path.' },
  CAMTROVE_ERR_MISSING_FILE_FIELD: { status: 400, retryable: false, summary: 'An upload has no multipart field named `file`.' },
  CAMTROVE_ERR_EMPTY_FILE: { status: 400, retryable: false, summary: 'An uploaded file has no bytes.' },
  CAMTROVE_ERR_UPLOAD_TOO_LARGE: { status: 413, retryable: false, summary: 'An upload is larger than `maxUploadBytes`; nothing was stored.' },
  CAMTROVE_ERR_UPLOAD_ABORTED: { status: 400, retryable: false, summary: 'The client stopped sending an upload before it ended; nothing was stored.' },
  CAMTROVE_ERR_REQUEST_TIMEOUT: { status: 408, retryable: true, summary: 'The client stopped sending: a request body (an upload) delivered no bytes for `uploadStallTimeoutMs`, or the headers did not arrive in time. Nothing was stored.' },
  CAMTROVE_ERR_BODY_TOO_LARGE: { status: 413, retryable: false, summary: 'A request body (JSON, form, CSV) is larger than this endpoint accepts, or a form has too many parts or fields.' },
  CAMTROVE_ERR_URI_TOO_LONG: { status: 414, retryable: false, summary: 'The request line, or one segment of the path, is longer than the server accepts.' },
  CAMTROVE_ERR_HEADERS_TOO_LARGE: { status: 431, retryable: false, summary: 'The request headers are larger than the server accepts (16 KiB with the request line).' },
  CAMTROVE_ERR_UNKNOWN_ANALYSIS: { status: 400, retryable: false, summary: 'The analysis name is not one this server knows.' },
  CAMTROVE_ERR_UNKNOWN_MODEL: { status: 400, retryable: false, summary: 'The model is not one the analysis offers (or the analysis has no models).' },
  CAMTROVE_ERR_INVALID_PARAMS: { status: 400, retryable: false, summary: 'An analysis parameter is unknown, missing or out of range.' },
  CAMTROVE_ERR_FILE_IN_USE: { status: 409, retryable: false, summary: 'The file cannot be deleted: other records use it (events, media, archived frames, analyses, import items); the message names them. Delete them with it (`?cascade=true`, `files rm --cascade`), except pending or running analyses, which must be cancelled or finish first.' },
  CAMTROVE_ERR_PROJECT_NOT_FOUND: { status: 404, retryable: false, summary: 'No labeling project has this id.' },
  CAMTROVE_ERR_ASSET_NOT_FOUND: { status: 404, retryable: false, summary: 'No labeling asset has this id (or no asset of the project has this external id).' },
  CAMTROVE_ERR_INVALID_INTERFACE: { status: 400, retryable: false, summary: 'A project\'s jsonInterface is not valid: an unknown mlTask or tool, a child job that is missing or not marked isChild, a duplicate category; the message names the job and key.' },
  CAMTROVE_ERR_INVALID_ASSETS: { status: 400, retryable: false, summary: 'Assets cannot be added as asked: arrays of different lengths, a content that is not a video (the message lists the accepted types), local files mixed with URLs, shouldUseNativeVideo true and false in one call, or every asset skipped ("no assets to import"). The message names the asset; nothing was added.' },
  CAMTROVE_ERR_INVALID_METADATA: { status: 400, retryable: false, summary: 'An asset\'s jsonMetadata is not a JSON object, holds a number that is not finite (NaN, Infinity), or has processingParameters of the wrong type; the message names the asset.' },
  CAMTROVE_ERR_ASSET_SOURCE: { status: 422, retryable: false, summary: 'An asset\'s content could not be read as a video: a URL that failed, timed out, was too large or is not a video; a library file or event that is not one; a broken image in a frame list. The message names the asset by its external id.' },
  CAMTROVE_ERR_ASSET_NOT_READY: { status: 409, retryable: true, summary: 'The asset\'s frames are not indexed yet (it is still being prepared), or its preparation failed (the message says why).' },
  CAMTROVE_ERR_ASSET_FRAME_NOT_FOUND: { status: 404, retryable: false, summary: 'The asset has no frame with this index; the message gives its number of frames (frames count from 0).' },
  CAMTROVE_ERR_INTERFACE_IN_USE: { status: 409, retryable: false, summary: 'A project interface change would remove jobs or categories that existing labels use; the message names them. Delete those labels first, or keep the jobs.' },
  CAMTROVE_ERR_INVALID_LABEL: { status: 400, retryable: false, summary: 'A label does not fit its project or asset: an unknown job or category, a tool the job does not allow, coordinates outside 0–1, a frame beyond the asset\'s last, a missing mid; the message names the asset, frame, job and annotation. Nothing of the call was stored.' },
  CAMTROVE_ERR_LABEL_NOT_FOUND: { status: 404, retryable: false, summary: 'No label has this id.' },
  CAMTROVE_ERR_EXPORT_NOT_FOUND: { status: 404, retryable: false, summary: 'No label export has this id.' },
  CAMTROVE_ERR_EXPORT_NOT_READY: { status: 409, retryable: true, summary: 'The label export is still running (its file is downloadable once it is DONE), or it failed (the message says why).' },
  CAMTROVE_ERR_ANALYSIS_FINISHED: { status: 409, retryable: false, summary: 'The analysis already finished, so it cannot be cancelled.' },
  CAMTROVE_ERR_JOB_NOT_FOUND: { status: 404, retryable: false, summary: 'The queue has no job with this id (a job finished long ago may have been deleted: `keepFinishedJobsMs`).' },
  CAMTROVE_ERR_JOB_NOT_RETRYABLE: { status: 409, retryable: false, summary: 'Only a failed job can be retried, and only one the queue can retry itself; the message says why not and what to do instead.' },
  CAMTROVE_ERR_RANGE_NOT_SATISFIABLE: { status: 416, retryable: false, summary: 'The requested byte range lies outside the file.' },
  CAMTROVE_ERR_FORBIDDEN: { status: 403, retryable: false, summary: 'A server without an API token refused a request that did not come from this machine\'s own programs: addressed to a host name that is not loopback (DNS rebinding), or a change sent by a web page of another site. Create a token to use the server from elsewhere.' },
  CAMTROVE_ERR_UNAUTHORIZED: { status: 401, retryable: false, summary: 'A bearer token is required (tokens exist on this server, or it listens beyond loopback, where it answers nothing until one exists) and none, or a wrong one, was given.' },
  CAMTROVE_ERR_MEDIA_UNREADABLE: { status: 422, retryable: false, summary: 'The file is not a video or image that ffprobe/ffmpeg can read (or it is damaged beyond use), or it is a playlist or list (HLS, ffconcat) that would make ffmpeg read other files or addresses.' },
  CAMTROVE_ERR_MEDIA_TIMEOUT: { status: 422, retryable: true, summary: 'The input stopped delivering data (a hung file system or network source) and reading it was abandoned.' },
  CAMTROVE_ERR_MEDIA_PROCESSING: { status: 422, retryable: false, summary: 'ffmpeg failed while processing the media; the message carries its last lines of output.' },
  CAMTROVE_ERR_ANALYSIS_TIMEOUT: { status: 422, retryable: true, summary: 'An analysis ran longer than its time limit and was stopped.' },
  CAMTROVE_ERR_ANALYSIS_CANCELLED: { status: 410, retryable: false, summary: 'The analysis was cancelled before it finished.' },
  CAMTROVE_ERR_WORKER_LOST: { status: 422, retryable: true, summary: 'The worker running the analysis stopped (crash, kill) as many times as attempts allow.' },
  CAMTROVE_ERR_ANALYSIS_FAILED: { status: 422, retryable: true, summary: 'An analysis failed for an unexpected reason; the message says which.' },
  CAMTROVE_ERR_FFMPEG_MISSING: { status: 500, retryable: false, summary: 'ffmpeg or ffprobe is not installed or not where CAMTROVE_FFMPEG/CAMTROVE_FFPROBE point.' },
  CAMTROVE_ERR_DATA_FOLDER: { status: 500, retryable: false, summary: 'The data folder (`--data`, CAMTROVE_DATA) cannot be created or written: a file stands where a folder should be, it lies on a read-only or virtual file system (such as /proc), or its owner is another user. The message names the path; choose another folder or fix its permissions.' },
  CAMTROVE_ERR_OUTPUT_PATH: { status: 500, retryable: false, summary: 'Where a command was asked to write (`-o`/`--output`, `--out`) cannot be written: its folder does not exist, a file stands where a folder should be, or it is read-only. Nothing was written there.' },
  CAMTROVE_ERR_DATABASE_UNREACHABLE: { status: 503, retryable: true, summary: 'The PostgreSQL server of CAMTROVE_DATABASE_URL does not answer: connection refused, an unknown host, a timeout. Start it, or fix the host and port in the URL.' },
  CAMTROVE_ERR_DATABASE_AUTH: { status: 503, retryable: false, summary: 'PostgreSQL refused the user or password of CAMTROVE_DATABASE_URL (a wrong password, a role that does not exist, no pg_hba.conf entry for this host).' },
  CAMTROVE_ERR_DATABASE_NOT_FOUND: { status: 503, retryable: false, summary: 'The database named in CAMTROVE_DATABASE_URL does not exist on its PostgreSQL server: create it (`createdb NAME`) or fix the name.' },
  CAMTROVE_ERR_DATABASE_READ_ONLY: { status: 503, retryable: false, summary: 'The SQLite database file (`<data>/camtrove.db`) or its folder is read-only, so camtrove can neither open nor update it. Give the user running camtrove write access to both.' },
  CAMTROVE_ERR_STORAGE_UNREACHABLE: { status: 503, retryable: true, summary: 'The object store of CAMTROVE_STORAGE (s3://…) does not answer: connection refused, an unknown host, a timeout, a server error. Start it, or fix AWS_ENDPOINT_URL.' },
  CAMTROVE_ERR_STORAGE_REFUSED: { status: 503, retryable: false, summary: 'The object store of CAMTROVE_STORAGE (s3://…) refused camtrove: the bucket does not exist, or the credentials are missing, wrong or not allowed to use it. The message names the bucket and what to fix; secrets are never printed.' },
  CAMTROVE_ERR_CONFIG: { status: 500, retryable: false, summary: 'A configuration value (environment variable, config file or flag) is invalid.' },
  CAMTROVE_ERR_PUBLIC_BIND_WITHOUT_TOKEN: { status: 500, retryable: false, summary: 'The server was asked to listen on a non-loopback address before any API token exists.' },
  CAMTROVE_ERR_INTERNAL: { status: 500, retryable: true, summary: 'An unexpected error; the server log has the details under the request id.' },
} as const satisfies Record<string, { status: number; retryable: boolean; summary: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export class CamtroveError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CamtroveError';
    this.code = code;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  /** Whether running the same work again could succeed (the queue retries only these). */
  get retryable(): boolean {
    return errorCatalogue[this.code].retryable;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isCamtroveError(error: unknown): error is CamtroveError {
  return error instanceof CamtroveError;
}

/** Any thrown value as a CamtroveError, keeping codes that are already ours. */
export function toCamtroveError(error: unknown): CamtroveError {
  if (isCamtroveError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CamtroveError('CAMTROVE_ERR_INTERNAL', message, { cause: error });
}
