import type { BatchFailure } from './types.js';

/**
 * Every error the SDK throws: the API's error code (`CAMTROVE_ERR_…`, as in docs/errors.md) and the
 * HTTP status it came with (or the one the server would have answered, for a rule checked here
 * before sending anything). Messages come from the server or name the thing that is wrong; never the
 * API key.
 */
export class CamtroveApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The assets or metadata of a call are refused (INVALID_ASSETS, INVALID_METADATA), by the server or before sending. */
export class ImportValidationError extends CamtroveApiError {}

/** A local file that is not a video, by its extension; the message lists the accepted types. */
export class MimeTypeError extends ImportValidationError {}

/** A project, asset, file or frame that does not exist (…_NOT_FOUND). */
export class NotFoundError extends CamtroveApiError {}

/** A label refused: it does not fit the project interface or its asset (the message names the asset, frame, job and annotation). */
export class LabelValidationError extends CamtroveApiError {}

/** No API key, or one the server does not accept (401), or a request it refuses (403). */
export class AuthError extends CamtroveApiError {}

/** A call lacks an argument it needs, or names two that exclude each other (assetIds and externalIds). */
export class MissingArgumentError extends CamtroveApiError {
  constructor(message: string) {
    super('CAMTROVE_ERR_BAD_REQUEST', 400, message);
  }
}

/** The server could not be reached, or answered something that is not camtrove. */
export class CamtroveConnectionError extends CamtroveApiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CAMTROVE_ERR_SERVER_UNREACHABLE', 502, message, options);
  }
}

/** Assets were added but could not be prepared (a broken file, a URL that failed); names each by externalId. */
export class BatchImportError extends CamtroveApiError {
  constructor(readonly failed: BatchFailure[]) {
    const first = failed[0];
    const named = failed.slice(0, 20).map((f) => `${f.externalId}: ${f.error.message} (${f.error.code})`);
    const more = failed.length > 20 ? `; and ${failed.length - 20} more` : '';
    super(first?.error.code ?? 'CAMTROVE_ERR_MEDIA_PROCESSING', 422, `${failed.length} asset${failed.length === 1 ? '' : 's'} could not be prepared: ${named.join('; ')}${more}`);
  }
}

/** The typed error for an `{error: {code, message}}` answer with this status. */
export function apiError(status: number, code: string, message: string): CamtroveApiError {
  if (status === 401 || status === 403) return new AuthError(code, status, message);
  if (code.endsWith('_NOT_FOUND')) return new NotFoundError(code, status, message);
  if (code === 'CAMTROVE_ERR_INVALID_ASSETS' || code === 'CAMTROVE_ERR_INVALID_METADATA') return new ImportValidationError(code, status, message);
  if (code === 'CAMTROVE_ERR_INVALID_LABEL') return new LabelValidationError(code, status, message);
  return new CamtroveApiError(code, status, message);
}

/** A refusal of the assets of a call, decided here before anything is sent. */
export function invalidAssets(message: string): ImportValidationError {
  return new ImportValidationError('CAMTROVE_ERR_INVALID_ASSETS', 400, message);
}
