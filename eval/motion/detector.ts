import { join } from 'node:path';
import type { Span } from './truth.js';

/** Where a detector's command is resolved from. */
export interface DetectorContext {
  projectRoot: string;
  /** Event gap the evaluation uses, seconds. */
  gap: number;
  /** The Python that has OpenCV (Debian's python3-opencv installs into /usr/bin/python3). */
  python: string;
}

/**
 * The program and arguments that segment `clip` for the detector named by `spec`:
 * `camtrove` (the CLI, exact boundaries, no files written), `mog2` (OpenCV's MOG2 peer), or any
 * command line (split on spaces, no shell) that prints `{"events": [{"start", "end"}, …]}`; the
 * clip's path replaces `{clip}` in it, or is appended when there is none.
 */
export function detectorCommand(spec: string, clip: string, context: DetectorContext): { program: string; args: string[] } {
  const gap = String(context.gap);
  if (spec === 'camtrove') {
    const segment = ['segment', clip, '--json', '--event-gap', gap, '--pre-capture', '0', '--post-capture', '0', '--no-clips', '--no-thumbnails'];
    return { program: process.execPath, args: [join(context.projectRoot, 'bin', 'camtrove.js'), ...segment] };
  }
  if (spec === 'mog2') return { program: context.python, args: [join(context.projectRoot, 'eval', 'motion', 'mog2.py'), clip, '--event-gap', gap] };
  const words = spec.trim().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) throw new Error('--detector needs camtrove, mog2 or a command');
  const args = words.slice(1);
  const withClip = args.includes('{clip}') ? args.map((word) => (word === '{clip}' ? clip : word)) : [...args, clip];
  return { program: words[0]!, args: withClip };
}

/** The events in a detector's standard output, which must be one JSON object with an `events` list. */
export function parseDetectorOutput(stdout: string): Span[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`the detector's output is not one JSON object: ${stdout.slice(0, 200)}`);
  }
  const events = (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) throw new Error('the detector printed JSON without an "events" list');
  return events.map((event: unknown, k) => {
    const { start, end } = (event ?? {}) as { start?: unknown; end?: unknown };
    if (typeof start !== 'number' || typeof end !== 'number' || !(end >= start)) throw new Error(`event ${k} has no valid start and end: ${JSON.stringify(event)}`);
    return { start, end };
  });
}
