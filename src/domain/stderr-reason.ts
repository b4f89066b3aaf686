import { redactText } from './redact.js';

/**
 * The last two distinct messages of ffmpeg's or ffprobe's stderr: the last line alone is often the
 * generic "Invalid data found when processing input", and the line before it says why ("moov atom
 * not found"). Prefixes are dropped: "[mov,mp4 @ 0x…] ", a level tag "[error] " and the input path
 * in "/data/x.bin: …". URLs in them lose their credentials: the reason ends up in errors and logs.
 */
export function stderrReason(lines: string[]): string | undefined {
  const last: string[] = [];
  for (const line of [...lines].reverse()) {
    const message = line.replace(/^(?:\[[^\]]*\]\s*)+/, '').replace(/^.*?:\s(?=[A-Z])/, '').trim();
    if (message !== '' && !last.includes(message)) last.unshift(message);
    if (last.length === 2) break;
  }
  return last.length > 0 ? redactText(last.join('; ')) : undefined;
}
