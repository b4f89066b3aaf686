import type { ExportAsset, ExportEntry, ExportOptions } from '../export-source.js';
import { jsonResponseText } from '../json-response-write.js';
import { safeEntryName } from './entry-names.js';

/**
 * Kili's own format: each asset with its label's jsonResponse (every frame "0"…"N-1", 0-based, as
 * labels are read), `labels/<externalId>.json` one per asset, or all in one `data.json` array.
 * Written a frame at a time, so a long video never sits whole in memory. Every frame is written even
 * without interpolation: `isKeyFrame` already says which frames were drawn, and a frame left out
 * could not say where an object left, so the files could not be added back as the same labels.
 */
export function kiliExport(singleFile: boolean) {
  return async function* kili(assets: AsyncIterable<ExportAsset>, _options: ExportOptions): AsyncGenerator<ExportEntry> {
    yield { path: 'README.txt', content: text(README) };
    if (singleFile) {
      yield { path: 'data.json', content: allInOne(assets) };
      return;
    }
    for await (const asset of assets) {
      yield { path: `labels/${safeEntryName(asset.externalId)}.json`, content: assetJson(asset) };
    }
  };
}

async function* text(value: string): AsyncGenerator<string> {
  yield value;
}

async function* allInOne(assets: AsyncIterable<ExportAsset>): AsyncGenerator<string> {
  let first = true;
  for await (const asset of assets) {
    yield first ? '[' : ',';
    first = false;
    yield* assetJson(asset);
  }
  yield first ? '[]' : ']';
}

async function* assetJson(asset: ExportAsset): AsyncGenerator<string> {
  const head = { externalId: asset.externalId, assetId: asset.id, numberOfFrames: asset.frameCount, labelType: asset.labelType ?? null };
  yield `${JSON.stringify(head).slice(0, -1)},"jsonResponse":`;
  yield* jsonResponseText({ assetLevel: asset.assetLevel, tracks: asset.tracks, keys: (track) => asset.keys(track), frameCount: asset.frameCount });
  yield '}';
}

const README = `Kili JSON export (camtrove)

Each asset: {externalId, assetId, numberOfFrames, labelType, jsonResponse}. jsonResponse is keyed by
frame index "0" ... "N-1": frame indexes are 0-based, frame k being the k-th decoded frame of the
asset in presentation order. Coordinates are normalised 0-1 from the top-left corner of the frame as
displayed; rectangles run bottom-left, top-left, top-right, bottom-right. Every frame is written;
isKeyFrame marks the frames that were drawn, the others are interpolated between them.
These files can be added back as labels: camtrove labels add <project> labels/*.json
`;
