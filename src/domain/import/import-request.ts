import { createHash } from 'node:crypto';
import { CamtroveError } from '../errors.js';

/** What an import is asked to do: which folders, read how, and what follows storing. */
export interface ImportRequest {
  /** Absolute paths. */
  folders: string[];
  /** The file-name regex as the user gave it. */
  regex: string;
  /** Every file's camera, instead of the regex's `camera` group. */
  camera: string | null;
  /** Appended to every camera name (e.g. a site, to keep CAM1 of two sites apart). */
  cameraNameSuffix: string;
  /** Lowercase, without the dot. */
  extensions: string[];
  timeZone: string | null;
  timeFormat: string | null;
  segment: boolean;
  shardSize: number;
  /** Reference files where they are instead of copying them into the library. */
  link: boolean;
}

/**
 * What makes two runs the same import, so the second continues the first's job: the same folders
 * read the same way into the same cameras. How many files run at once does not count.
 */
export function importRequestKey(request: ImportRequest): string {
  const canonical = {
    folders: [...request.folders].sort(),
    regex: request.regex,
    camera: request.camera,
    cameraNameSuffix: request.cameraNameSuffix,
    extensions: [...request.extensions].sort(),
    timeZone: request.timeZone,
    timeFormat: request.timeFormat,
    segment: request.segment,
    link: request.link,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** An import job id: camtrove's are 32 hex; a hook module may choose its own of this form. */
export const IMPORT_JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const CAMERA_ID_CHARACTERS = /[^A-Za-z0-9._@+-]+/g;

/**
 * The id of the camera a file name names: the name itself when it is a valid camera id, else the
 * name with each run of other characters made `_` ("Site 4/North" → "Site_4_North"). The name is
 * kept as the camera's name.
 */
export function importCameraId(name: string): string {
  const id = name.trim().replace(CAMERA_ID_CHARACTERS, '_').replace(/^[^A-Za-z0-9]+/, '').slice(0, 128);
  if (id === '') throw new CamtroveError('CAMTROVE_ERR_INVALID_CAMERA', `the camera name ${JSON.stringify(name)} has no letter or digit to make a camera id of`);
  return id;
}
