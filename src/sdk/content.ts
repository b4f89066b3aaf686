import { ImportValidationError, invalidAssets, MimeTypeError } from './errors.js';

/** The video types a local file may have, by extension (Kili's list). */
export const VIDEO_EXTENSIONS = ['mp4', 'mkv', '3gp', 'avi', 'm4v', 'mov', 'webm'] as const;

/** A file to upload from a browser (a File from an input, a Blob). */
export type LocalBlob = Blob & { name?: string };

/** One entry of contentArray, or one image of a jsonContentArray entry. */
export type ContentEntry = string | LocalBlob;

/** What an entry is: a URL the server fetches, a library reference, or a local file to upload first. */
export type EntryKind = 'url' | 'library' | 'local';

export function entryKind(entry: ContentEntry): EntryKind {
  if (typeof entry !== 'string') return 'local';
  if (/^https?:\/\//i.test(entry)) return 'url';
  if (entry.startsWith('camtrove:')) return 'library';
  return 'local';
}

/** What a local entry is called in messages and in the upload: its path, or a File's name. */
export function entryName(entry: ContentEntry): string {
  return typeof entry === 'string' ? entry : (entry.name ?? 'blob');
}

export interface AppendInput {
  contentArray?: readonly ContentEntry[];
  jsonContentArray?: readonly (readonly ContentEntry[])[];
  externalIdArray?: readonly string[];
  jsonMetadataArray?: readonly Record<string, unknown>[];
}

/** How an asset is named in messages before the server has seen it: its externalId, else its position. */
export function assetLabel(input: AppendInput, index: number): string {
  const externalId = input.externalIdArray?.[index];
  return externalId !== undefined ? `asset "${externalId}"` : `asset #${index + 1}`;
}

/**
 * The rules of an import that only the client can check, or that should fail before anything is
 * uploaded: content and jsonContent both or neither, arrays of different lengths, local files and
 * URLs mixed, a local video whose extension is not a video's, `shouldUseNativeVideo` true and false
 * mixed, metadata that is not an object or holds NaN/Infinity (JSON would silently send null).
 * The server checks the rest (and these again). Returns how many assets the call has.
 */
export function checkAppendInput(input: AppendInput): number {
  const { contentArray, jsonContentArray, externalIdArray, jsonMetadataArray } = input;
  if (contentArray !== undefined && jsonContentArray !== undefined) throw invalidAssets('give contentArray or jsonContentArray, not both');
  const contents = contentArray ?? jsonContentArray;
  if (contents === undefined) throw invalidAssets('give contentArray (videos: local paths, URLs or camtrove: references) or jsonContentArray (lists of images)');
  if (!Array.isArray(contents)) throw invalidAssets(`${contentArray ? 'contentArray' : 'jsonContentArray'} must be an array`);
  for (const [name, array] of [['externalIdArray', externalIdArray], ['jsonMetadataArray', jsonMetadataArray]] as const) {
    if (array === undefined) continue;
    if (!Array.isArray(array)) throw invalidAssets(`${name} must be an array`);
    if (array.length !== contents.length) throw invalidAssets(`${name} has ${array.length} entries but there are ${contents.length} assets: the arrays are matched by position`);
  }

  const kinds = new Map<EntryKind, string>();
  contents.forEach((content, index) => {
    const entries = contentArray ? [content as ContentEntry] : (content as readonly ContentEntry[]);
    if (!Array.isArray(entries) && !contentArray) throw invalidAssets(`${assetLabel(input, index)}: each jsonContentArray entry is a list of images`);
    for (const entry of entries) {
      if (typeof entry !== 'string' && !isBlob(entry)) throw invalidAssets(`${assetLabel(input, index)}: a content must be a path, a URL or a camtrove: reference, not ${typeof entry}`);
      const kind = entryKind(entry);
      if (!kinds.has(kind)) kinds.set(kind, entryName(entry));
      if (kind === 'local' && contentArray) checkVideoName(entry, assetLabel(input, index));
    }
  });
  if (kinds.has('local') && kinds.has('url')) {
    throw invalidAssets(`local files and URLs cannot be imported in one call (local "${kinds.get('local')}", URL "${kinds.get('url')}"): make one call for each`);
  }

  const native = new Set<boolean>();
  jsonMetadataArray?.forEach((metadata, index) => {
    checkMetadata(metadata, assetLabel(input, index));
    const value = (metadata.processingParameters as { shouldUseNativeVideo?: unknown } | undefined)?.shouldUseNativeVideo;
    native.add(value !== false);
  });
  if (native.size > 1) throw invalidAssets('shouldUseNativeVideo is true for some assets and false for others: one call imports all as videos or all as frames');
  return contents.length;
}

/** A local video must have one of VIDEO_EXTENSIONS (a File may say so by its type instead). */
function checkVideoName(entry: ContentEntry, label: string): void {
  const name = entryName(entry);
  const extension = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase();
  if (extension !== undefined && (VIDEO_EXTENSIONS as readonly string[]).includes(extension)) return;
  if (typeof entry !== 'string' && extension === undefined && entry.type.startsWith('video/')) return;
  throw new MimeTypeError('CAMTROVE_ERR_INVALID_ASSETS', 400, `${label}: "${name}" is not a video file; accepted types: ${VIDEO_EXTENSIONS.join(', ')}`);
}

/**
 * Metadata must be a plain object of JSON values; NaN and ±Infinity are refused (JSON.stringify would
 * turn them into null without a word). `label` names the asset.
 */
export function checkMetadata(metadata: unknown, label: string): void {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw invalidMetadata(`${label}: jsonMetadata must be an object, not ${Array.isArray(metadata) ? 'an array' : metadata === null ? 'null' : typeof metadata}`);
  }
  const bad = nonFinitePath(metadata, '');
  if (bad !== null) throw invalidMetadata(`${label}: jsonMetadata${bad} is not a finite number; JSON cannot carry NaN or Infinity`);
}

function invalidMetadata(message: string): ImportValidationError {
  return new ImportValidationError('CAMTROVE_ERR_INVALID_METADATA', 400, message);
}

/** Where in a value a NaN or ±Infinity sits (`.a.b[2]`), or null. */
function nonFinitePath(value: unknown, path: string): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nonFinitePath(item, `${path}[${i}]`);
      if (found !== null) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = nonFinitePath(item, `${path}.${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

function isBlob(value: unknown): value is LocalBlob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}
