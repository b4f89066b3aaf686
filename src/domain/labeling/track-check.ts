import { CamtroveError } from '../errors.js';
import type { JsonInterface } from './json-interface.js';
import type { Track } from './label-model.js';

/**
 * Tracks read from another tool's file (CVAT), checked against the project's interface and the
 * asset like a jsonResponse is: every problem named with its frame, job and track. Points a little
 * outside the frame (CVAT lets a box run past the edge) are brought back onto it; how many were is
 * returned, so the caller can say so.
 */
export function checkTracks(tracks: readonly Track[], jsonInterface: JsonInterface, frameCount: number, assetName: string): { clamped: number } {
  const problems: string[] = [];
  let clamped = 0;
  for (const track of tracks) {
    const where = `track "${track.mid}"`;
    const job = track.job === '' ? undefined : jsonInterface.jobs[track.job];
    const category = track.keys[0]?.value.categories?.[0]?.name ?? '';
    if (!job) {
      problems.push(`${where}: its label "${category}" is not a category of any object detection job of the project`);
      continue;
    }
    if (!Object.hasOwn(job.content?.categories ?? {}, category)) problems.push(`${where}, job ${track.job}: unknown category "${category}"`);
    if (track.tool !== null && !(job.tools ?? []).includes(track.tool)) problems.push(`${where}, job ${track.job}: a ${track.tool} is not a tool of this job (${(job.tools ?? []).join(', ')})`);
    for (const key of track.keys) {
      if (key.frame >= frameCount) {
        problems.push(`${where}: frame ${key.frame} is beyond the asset's last frame (${frameCount - 1})`);
        break;
      }
      for (const point of key.value.points ?? []) {
        const x = Math.min(1, Math.max(0, point.x));
        const y = Math.min(1, Math.max(0, point.y));
        if (x !== point.x || y !== point.y) clamped += 1;
        point.x = x;
        point.y = y;
      }
    }
    if (problems.length >= 20) break;
  }
  if (problems.length > 0) throw new CamtroveError('CAMTROVE_ERR_INVALID_LABEL', `invalid label for asset "${assetName}": ${problems.join('; ')}`);
  return { clamped };
}
