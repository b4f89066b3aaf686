/**
 * ffprobe arguments listing the first video stream's packets (time, size and flags) and, at the end,
 * the container's start time: demuxing only, no decoding. CSV with section names, one short line per
 * packet, so the listing streams.
 */
export function packetListingArgs(input: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,size,flags:format=start_time', '-of', 'csv=p=1', '-i', input];
}

export type PacketListingLine = { kind: 'packet'; time: number; size: number; key: boolean } | { kind: 'start'; time: number | null };

/**
 * One line of that listing: a packet ("packet,2.000000,14233,K_"; ffprobe prints the fields in its
 * own order: time, size, flags), the container's start time ("format,1.400000"), or null for other
 * lines, packets without a time (N/A) and discarded ones (flag D: decoded but never shown).
 */
export function parsePacketListingLine(line: string): PacketListingLine | null {
  const [section, time, size, flags] = line.trim().split(',');
  const value = time === undefined || time === '' || time === 'N/A' ? null : Number(time);
  const known = value !== null && Number.isFinite(value) ? value : null;
  if (section === 'format') return { kind: 'start', time: known };
  if (section !== 'packet' || known === null || flags === undefined || flags.includes('D')) return null;
  const bytes = Number(size);
  return { kind: 'packet', time: known, size: Number.isFinite(bytes) ? bytes : 0, key: flags.includes('K') };
}

/**
 * Times in the clock `-ss` uses (and the one ffmpeg gives decoded frames): ffmpeg counts from the
 * container's start time (MPEG-TS clocks start anywhere), so listed times are shifted by it.
 */
export function seekTime(packetTime: number, containerStart: number | null): number {
  return Math.round((packetTime - (containerStart ?? 0)) * 1e6) / 1e6;
}

/** Keyframe times in the seek clock, sorted, without duplicates. */
export function keyframeSeekTimes(packetTimes: readonly number[], containerStart: number | null): number[] {
  const times = packetTimes.map((t) => seekTime(t, containerStart)).sort((a, b) => a - b);
  return times.filter((t, i) => i === 0 || t !== times[i - 1]);
}
