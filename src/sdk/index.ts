/**
 * camtrove's TypeScript SDK: `import { Camtrove } from 'camtrove/sdk'`. Talks to `camtrove serve`
 * over its REST API; nothing here imports the server's code, so it also runs in a browser bundle.
 */
export { Camtrove, type AppendLabelsOptions, type AppendManyOptions, type AssetFilters, type AssetsOptions, type AssetSelection, type CamtroveOptions, type CreatePredictionsOptions, type ExportLabelsOptions, type LabelsOptions, type LabelTargets, type MetadataUpdate } from './camtrove.js';
export { VIDEO_EXTENSIONS, type ContentEntry } from './content.js';
export { AuthError, BatchImportError, CamtroveApiError, CamtroveConnectionError, ImportValidationError, LabelValidationError, MimeTypeError, MissingArgumentError, NotFoundError } from './errors.js';
export type { UploadProgress } from './upload.js';
export type * from './types.js';
