// How large the labeling tool draws a frame on its canvas. Pure.

/**
 * The canvas's size for a frame: the frame's own, unless the screen shows it smaller. Scaling a 1080p
 * frame down once as it is drawn costs less than having the page scale the whole canvas every paint,
 * and the screen could not show the pixels dropped.
 */
export function drawnSize(image: { width: number; height: number }, screen: { width: number; height: number } | null): { width: number; height: number } {
  if (!screen || screen.width <= 0 || screen.height <= 0) return image;
  const scale = Math.min(1, screen.width / image.width, screen.height / image.height);
  return { width: Math.max(1, Math.round(image.width * scale)), height: Math.max(1, Math.round(image.height * scale)) };
}
