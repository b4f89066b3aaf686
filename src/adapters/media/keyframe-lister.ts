import { CamtroveError } from '../../domain/errors.js';
import { keyframeListingArgs, keyframeSeekTimes, parseKeyframeListingLine } from '../../domain/event-media-commands.js';
import { stderrReason } from '../../domain/stderr-reason.js';
import { runProcess } from './process-runner.js';

/**
 * The times of the first video stream's keyframes, in seconds from the media's start as `-ss` counts
 * them, sorted. ffprobe only demuxes (no decoding) and its listing is read line by line as it comes,
 * keeping keyframes alone, so an hour of video costs a few kilobytes, not megabytes of text. Empty
 * when the container has no timestamps; a damaged file gives the keyframes before the damage.
 */
export async function listKeyframeTimes(ffprobe: string, input: string, signal?: AbortSignal): Promise<number[]> {
  const keyframes: number[] = [];
  let start: number | null = null;
  const result = await runProcess(ffprobe, keyframeListingArgs(input), {
    signal,
    onStdoutLine: (line) => {
      const parsed = parseKeyframeListingLine(line);
      if (parsed?.kind === 'keyframe') keyframes.push(parsed.time);
      else if (parsed?.kind === 'start') start = parsed.time;
    },
  });
  if (result.exitCode !== 0 && keyframes.length === 0) {
    const reason = stderrReason(result.stderrTail) ?? `exit code ${result.exitCode ?? result.exitSignal}`;
    throw new CamtroveError('CAMTROVE_ERR_MEDIA_UNREADABLE', `could not list the keyframes: ${reason}`);
  }
  return keyframeSeekTimes(keyframes, start);
}
