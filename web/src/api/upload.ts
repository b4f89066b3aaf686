import { apiError, CamtroveConnectionError, type CamtroveApiError } from '../../../src/sdk/errors.js';

export interface Uploaded {
  file_id: string;
  /** False when the library already held these bytes. */
  created: boolean;
}

/**
 * Uploads one file to POST /api/files (multipart field `file`) with XMLHttpRequest, which reports
 * the bytes sent as they go (fetch does not). Errors are the SDK's typed errors.
 */
export function uploadFile(file: File, token: string | null, onProgress: (sent: number, total: number) => void): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/files');
    request.setRequestHeader('accept', 'application/json');
    if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
    request.upload.addEventListener('progress', (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size));
    request.addEventListener('load', () => {
      const answer = parse(request.responseText);
      if (request.status === 200 && typeof answer?.file_id === 'string') resolve({ file_id: answer.file_id, created: answer.created === true });
      else reject(failure(request.status, answer));
    });
    request.addEventListener('error', () => reject(new CamtroveConnectionError(`the upload of ${file.name} could not reach the server`)));
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

function failure(status: number, answer: Record<string, unknown> | null): CamtroveApiError {
  const error = answer?.error as { code?: unknown; message?: unknown } | undefined;
  if (typeof error?.code === 'string' && typeof error.message === 'string') return apiError(status, error.code, error.message);
  return new CamtroveConnectionError(`the server answered the upload with HTTP ${status} and no camtrove error`);
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
