/** Whether a media input is a URL (http, rtsp, …) rather than a path. */
export function isUrl(input: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(input);
}

/**
 * Whether an input is a live stream: a URL whose probe found no duration. It cannot be rewound, so
 * nothing can be fetched from it again after the scan (colours, thumbnails, clips): what ffmpeg
 * would return is new footage. A local file without a duration (a raw H.264 stream) is read again
 * from its start instead.
 */
export function isLiveInput(input: string, duration: number | null): boolean {
  return duration === null && isUrl(input);
}
