import { CamtroveError } from '../../domain/errors.js';
import { redactText } from '../../domain/redact.js';

/** What an error is about: `s3://bucket/prefix` and the endpoint, both safe to print. */
export interface S3Place {
  location: string;
  bucket: string;
  endpoint: string;
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'TimeoutError', 'RequestTimeout']);
const DENIED = new Set(['AccessDenied', 'Forbidden', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired', 'AllAccessDisabled']);

/** The S3 error name of an SDK error (`NoSuchKey`, `AccessDenied`…), or '' for another error. */
export function s3ErrorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

export function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** Whether the error says the object (or its range) is not there. */
export function isNotFound(error: unknown): boolean {
  const name = s3ErrorName(error);
  return name === 'NoSuchKey' || name === 'NotFound' || (httpStatusOf(error) === 404 && name !== 'NoSuchBucket');
}

/**
 * The error to report for one an S3 call threw: a catalogue error naming the bucket and what to do
 * for what a user can fix (no bucket, refused credentials, a store that does not answer). The
 * message carries the SDK's words through redactText and never the credentials themselves.
 */
export function explainS3Error(error: unknown, place: S3Place): unknown {
  if (error instanceof CamtroveError) return error;
  const name = s3ErrorName(error);
  const code = (error as { code?: unknown } | null)?.code;
  const status = httpStatusOf(error);
  const detail = redactText(error instanceof Error ? error.message : String(error));
  if (name === 'NoSuchBucket') {
    return new CamtroveError('CAMTROVE_ERR_STORAGE_REFUSED', `bucket ${place.bucket} does not exist at ${place.endpoint}: create it, or fix CAMTROVE_STORAGE (${place.location})`, { cause: error });
  }
  if (name === 'CredentialsProviderError') {
    return new CamtroveError('CAMTROVE_ERR_STORAGE_REFUSED', `no AWS credentials for ${place.location}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE`, { cause: error });
  }
  if (DENIED.has(name) || status === 403) {
    return new CamtroveError('CAMTROVE_ERR_STORAGE_REFUSED', `access denied to ${place.location} at ${place.endpoint} (${name || status}): check AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE) and that they may use this bucket`, { cause: error });
  }
  if ((typeof code === 'string' && NETWORK.has(code)) || NETWORK.has(name) || (status !== undefined && status >= 500)) {
    const why = typeof code === 'string' ? code : status !== undefined ? `HTTP ${status}` : name;
    return new CamtroveError('CAMTROVE_ERR_STORAGE_UNREACHABLE', `cannot reach the object store of ${place.location} at ${place.endpoint} (${detail.includes(why) ? detail : `${why}: ${detail}`}): start it, or fix AWS_ENDPOINT_URL`, { cause: error });
  }
  return error;
}
