import { CamtroveError } from '../errors.js';
import { parseContentRef, parseFrameRef, type AssetSource } from './asset-content.js';
import { checkMetadata, splitMetadata, type ProcessingParameters } from './asset-metadata.js';

/**
 * Kili's append_many_to_dataset rules on plain data: the arrays of one call are zipped by position,
 * checked as a whole (one bad asset refuses the call: nothing is half-added), and planned. An asset is
 * named by its externalId when it has one, else by its position in the arrays, from 0.
 */

export { IMAGE_EXTENSIONS, OTHER_VIDEO_EXTENSIONS, VIDEO_EXTENSIONS, parseContentRef, parseFrameRef, type AssetSource, type FrameSource } from './asset-content.js';
export type { ProcessingParameters } from './asset-metadata.js';

export interface AssetRequestInput { contentArray?: unknown; jsonContentArray?: unknown; externalIdArray?: unknown; jsonMetadataArray?: unknown }
export interface PlannedAsset {
  externalId: string;
  content: string;
  jsonContent: string[] | null;
  source: AssetSource;
  /** Without processingParameters. */
  jsonMetadata: Record<string, unknown>;
  processingParameters: ProcessingParameters | null;
  /** Position in the request. */
  index: number;
}
export type SkipReason = 'duplicate_in_request' | 'exists';
export interface AssetPlan { assets: PlannedAsset[]; skipped: { externalId: string; reason: SkipReason }[]; warnings: string[] }

/** Longest externalId accepted (it is a unique key of the assets table). */
export const MAX_EXTERNAL_ID_LENGTH = 1000;
/** How many ids a warning names before it counts the rest (Kili names 20). */
const NAMED_IN_WARNING = 20;

function refused(what: string): CamtroveError {
  return new CamtroveError('CAMTROVE_ERR_INVALID_ASSETS', what);
}

function optionalArray(input: AssetRequestInput, field: keyof AssetRequestInput): unknown[] | null {
  const value = input[field];
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw refused(`${field} must be an array`);
  return value as unknown[];
}

/** The externalIds a call names (for looking up which exist), before planning. */
export function requestedExternalIds(input: AssetRequestInput): string[] {
  const ids = Array.isArray(input.externalIdArray) ? input.externalIdArray : [];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
}

function namesIn(ids: readonly string[]): string {
  const named = ids.slice(0, NAMED_IN_WARNING).map((id) => JSON.stringify(id)).join(', ');
  return ids.length > NAMED_IN_WARNING ? `${named} and ${ids.length - NAMED_IN_WARNING} more` : named;
}

/**
 * Validates and plans one call; see the contract. Throws CAMTROVE_ERR_INVALID_ASSETS naming the asset.
 * `skipped` names each dropped externalId once (a repeated one once, however many copies it had).
 */
export function planAssets(input: AssetRequestInput, existing: ReadonlySet<string>, randomExternalId: () => string): AssetPlan {
  const contents = optionalArray(input, 'contentArray');
  const jsonContents = optionalArray(input, 'jsonContentArray');
  const externalIds = optionalArray(input, 'externalIdArray');
  const metadatas = optionalArray(input, 'jsonMetadataArray');
  if (contents === null && jsonContents === null) throw refused('give contentArray (videos) or jsonContentArray (frame lists)');
  if (contents !== null && jsonContents !== null && contents.length > 0 && jsonContents.length > 0) {
    throw refused('give contentArray or jsonContentArray, not both: an asset is a video or a list of frames');
  }
  const [field, primary] = contents !== null && (contents.length > 0 || jsonContents === null) ? ['contentArray', contents] as const : ['jsonContentArray', jsonContents!] as const;
  for (const [name, other] of [['externalIdArray', externalIds], ['jsonMetadataArray', metadatas]] as const) {
    if (other !== null && other.length !== primary.length) {
      throw refused(`${name} has ${other.length} entries but ${field} has ${primary.length}: the arrays are matched by position and must have the same length`);
    }
  }
  if (primary.length === 0) return { assets: [], skipped: [], warnings: [] };

  const assets = primary.map((entry, index) => planOne(field, entry, externalIds?.[index], metadatas?.[index], index, randomExternalId));
  refuseMixes(assets, externalIds);

  const counts = new Map<string, number>();
  for (const asset of assets) counts.set(asset.externalId, (counts.get(asset.externalId) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const present = [...counts.keys()].filter((id) => counts.get(id) === 1 && existing.has(id));
  const warnings: string[] = [];
  if (repeated.length > 0) warnings.push(`externalId repeated in this call, every copy dropped: ${namesIn(repeated)}`);
  if (present.length > 0) warnings.push(`externalId already in the project, skipped: ${namesIn(present)}`);
  const dropped = new Set([...repeated, ...present]);
  const kept = assets.filter((asset) => !dropped.has(asset.externalId));
  if (kept.length === 0) throw refused(`no assets to import: ${warnings.join('; ')}`);
  return {
    assets: kept,
    skipped: [...repeated.map((externalId) => ({ externalId, reason: 'duplicate_in_request' as const })), ...present.map((externalId) => ({ externalId, reason: 'exists' as const }))],
    warnings,
  };
}

function planOne(field: 'contentArray' | 'jsonContentArray', entry: unknown, rawId: unknown, rawMetadata: unknown, index: number, randomExternalId: () => string): PlannedAsset {
  const position = `asset at position ${index}`;
  if (rawId !== undefined && rawId !== null && typeof rawId !== 'string') throw refused(`${position}: externalId must be a string, not ${JSON.stringify(rawId)}`);
  if (typeof rawId === 'string' && rawId.length > MAX_EXTERNAL_ID_LENGTH) throw refused(`${position}: externalId has ${rawId.length} characters; at most ${MAX_EXTERNAL_ID_LENGTH}`);
  const given = typeof rawId === 'string' && rawId !== '';
  const externalId = given ? rawId : randomExternalId();
  const label = given ? `asset ${JSON.stringify(externalId)}` : position;

  const metadata = rawMetadata === undefined || rawMetadata === null ? {} : checkMetadata(rawMetadata, label, 'CAMTROVE_ERR_INVALID_ASSETS');
  const { jsonMetadata, processingParameters } = splitMetadata(metadata, label, 'CAMTROVE_ERR_INVALID_ASSETS');
  if (field === 'contentArray') {
    if (typeof entry !== 'string' || entry.trim() === '') throw refused(`${label}: content must be a non-empty string (an http(s) video URL, camtrove:file/<id> or camtrove:event/<id>)`);
    return { externalId, content: entry.trim(), jsonContent: null, source: parseContentRef(entry, label), jsonMetadata, processingParameters, index };
  }
  if (!Array.isArray(entry) || entry.length === 0) throw refused(`${label}: jsonContent must be a non-empty list of image URLs or camtrove:file/<id> references`);
  const frames = entry.map((frame: unknown, i) => parseFrameRef(frame as string, label, i));
  return { externalId, content: '', jsonContent: entry.map((frame: string) => frame.trim()), source: { kind: 'frames', frames }, jsonMetadata, processingParameters, index };
}

/** How messages name an asset: by the externalId the caller gave, else by position (a random id means nothing to them). */
function labelOf(asset: PlannedAsset, given: readonly unknown[] | null): string {
  const id = given?.[asset.index];
  return typeof id === 'string' && id !== '' ? `asset ${JSON.stringify(id)} (position ${asset.index})` : `asset at position ${asset.index}`;
}

/**
 * Kili refuses local files and URLs in one call; here library references play the local files' part.
 * Nor may one call hold shouldUseNativeVideo true and false (absent counts as true, its default).
 */
function refuseMixes(assets: readonly PlannedAsset[], given: readonly unknown[] | null): void {
  const urls = assets.filter((asset) => sourceKinds(asset.source).has('url'));
  const refs = assets.filter((asset) => sourceKinds(asset.source).has('library'));
  if (urls.length > 0 && refs.length > 0) {
    const mixedIn = urls.find((asset) => refs.includes(asset));
    throw refused(mixedIn
      ? `${labelOf(mixedIn, given)} mixes URLs and camtrove: references in one frame list; one call takes either URLs or library references, not both`
      : `one call takes either URLs or library references, not both: ${labelOf(urls[0]!, given)} is a URL, ${labelOf(refs[0]!, given)} a camtrove: reference`);
  }
  const native = assets.filter((asset) => asset.processingParameters?.shouldUseNativeVideo !== false);
  const split = assets.filter((asset) => asset.processingParameters?.shouldUseNativeVideo === false);
  if (native.length > 0 && split.length > 0) {
    throw refused(`one call cannot mix shouldUseNativeVideo true and false: ${labelOf(native[0]!, given)} is labelled as a video (true, the default), ${labelOf(split[0]!, given)} as frames (false); send them in two calls`);
  }
}

function sourceKinds(source: AssetSource): Set<'url' | 'library'> {
  if (source.kind === 'frames') return new Set(source.frames.map((frame) => (frame.kind === 'url' ? 'url' : 'library')));
  return new Set([source.kind === 'url' ? 'url' : 'library']);
}
