/**
 * The size motion is analysed at: `targetWidth` wide (never wider than the video), height from the
 * displayed aspect ratio (after rotation). Small frames keep the detector cheap; the area-averaging
 * downscale also damps sensor noise.
 */
export function analysisFrameSize(displayWidth: number, displayHeight: number, targetWidth: number): { width: number; height: number } {
  if (!(displayWidth > 0 && displayHeight > 0)) throw new Error(`invalid video size ${displayWidth}x${displayHeight}`);
  const width = Math.max(2, Math.min(Math.round(targetWidth), displayWidth));
  const height = Math.max(2, Math.round((width * displayHeight) / displayWidth));
  return { width, height };
}
