import { useMemo, useState, type FormEvent, type MouseEvent } from 'react';
import { useSearchParams } from 'react-router';
import type { Frame } from '../api/types.js';
import { isoFromLocalInput } from '../events/event-search.js';
import { usePrefetch } from '../file-url.js';
import { formatBytes, formatTime } from '../format.js';
import { useApi } from '../session.js';
import { ErrorNote } from './error-note.js';
import { FileImage } from './file-image.js';

/** Frames on the time line at once: one page of the API. */
const WINDOW = 500;
/** Frames loaded ahead on each side of the one shown. */
const PREFETCH = 4;

/**
 * A camera's archived frames on a time line: the frame shown, a slider to scrub through a window of
 * frames (arrow keys step one, Page Up/Down jump, Home/End go to the ends), the frames as ticks by
 * capture time, and the windows before and after. The URL keeps the window (`from`, or `to`; neither:
 * the latest frames) and the frame shown (`frame`), so a bookmark opens this frame.
 */
export function FrameTimeline({ cameraId }: { cameraId: string }) {
  const [params, setParams] = useSearchParams();
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const loaded = useApi(
    async (c) => {
      const page = from ? await c.frames(cameraId, { from, limit: WINDOW }) : await c.frames(cameraId, { to, sort: '-time', limit: WINDOW });
      // Oldest first on the time line, whichever way the page was read.
      return { frames: from ? page.frames : [...page.frames].reverse(), more: page.next !== null };
    },
    `${cameraId} ${from ?? ''} ${to ?? ''}`,
  );
  const frames = useMemo(() => loaded.data?.frames ?? [], [loaded.data]);
  const asked = params.get('frame');
  const found = frames.findIndex((f) => f.frame_id === asked);
  // Without a frame in the URL: the first of a window that starts at a time, else the latest.
  const index = found >= 0 ? found : from ? 0 : frames.length - 1;
  const frame = frames[index];
  usePrefetch(frames.slice(Math.max(0, index - PREFETCH), index + PREFETCH + 1).map((f) => f.file_id));

  const change = (update: (next: URLSearchParams) => void, replace: boolean) => {
    const next = new URLSearchParams(params);
    update(next);
    setParams(next, { replace });
  };
  // Scrubbing replaces the history entry: Back leaves the time line, not each frame of it.
  const show = (at: number) => {
    const target = frames[Math.max(0, Math.min(frames.length - 1, at))];
    if (target) change((next) => next.set('frame', target.frame_id), true);
  };
  const moveWindow = (bound: { from?: string; to?: string }) =>
    change((next) => {
      for (const name of ['from', 'to', 'frame']) next.delete(name);
      if (bound.from) next.set('from', bound.from);
      if (bound.to) next.set('to', bound.to);
    }, false);

  const first = frames[0];
  const last = frames.at(-1);
  const earlier = first && (from !== undefined || loaded.data?.more);
  const later = last && (to !== undefined || (from !== undefined && loaded.data?.more));

  return (
    <section aria-labelledby="frames-title" className="frames">
      <h2 id="frames-title">Frames</h2>
      <ErrorNote error={loaded.error} />
      {loaded.data && frames.length === 0 && <p className="muted">{from || to ? 'No frames in this time.' : 'No archived frames: archive this camera (camtrove archive, or an archive interval below).'}</p>}
      {frame && (
        <>
          <figure className="frame-view">
            <FileImage className="frame" fileId={frame.file_id} alt={`Frame captured at ${formatTime(frame.captured_at)}`} />
            <figcaption>
              <strong>{formatTime(frame.captured_at)}</strong>
              <span className="muted">
                {' '}
                · frame {index + 1} of {frames.length} · {frame.width && frame.height ? `${frame.width}×${frame.height} · ` : ''}
                {formatBytes(frame.size)} · {frame.change_score.toFixed(frame.change_score < 10 ? 1 : 0)} % changed
              </span>
            </figcaption>
          </figure>
          <div className="scrubber">
            <button type="button" onClick={() => show(index - 1)} disabled={index === 0} aria-label="Previous frame">
              ◀
            </button>
            <div className="track">
              <Ticks frames={frames} current={index} onPick={show} />
              <input
                type="range"
                aria-label="Time line"
                min={0}
                max={frames.length - 1}
                value={index}
                aria-valuetext={`${formatTime(frame.captured_at)}, frame ${index + 1} of ${frames.length}`}
                onChange={(event) => show(Number(event.target.value))}
              />
              <div className="ends muted small">
                <span>{first && formatTime(first.captured_at)}</span>
                <span>{last && formatTime(last.captured_at)}</span>
              </div>
            </div>
            <button type="button" onClick={() => show(index + 1)} disabled={index === frames.length - 1} aria-label="Next frame">
              ▶
            </button>
          </div>
        </>
      )}
      <div className="window-nav">
        {earlier && first && (
          <button type="button" onClick={() => moveWindow({ to: first.captured_at })}>
            Earlier frames
          </button>
        )}
        {later && last && (
          <button type="button" onClick={() => moveWindow({ from: last.captured_at })}>
            Later frames
          </button>
        )}
        {(from || to) && (
          <button type="button" onClick={() => moveWindow({})}>
            Latest frames
          </button>
        )}
        <GoToTime onGo={(iso) => moveWindow({ from: iso })} />
      </div>
    </section>
  );
}

/** The frames as ticks along the time line, by capture time; a click shows the frame nearest to it. */
function Ticks({ frames, current, onPick }: { frames: readonly Frame[]; current: number; onPick: (index: number) => void }) {
  const times = useMemo(() => frames.map((f) => Date.parse(f.captured_at)), [frames]);
  const start = times[0] ?? 0;
  const span = Math.max(1, (times.at(-1) ?? 0) - start);
  const at = (time: number) => `${((time - start) / span) * 100}%`;
  // The pointer's way to scrub; the slider below is the keyboard's.
  const pick = (event: MouseEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const time = start + ((event.clientX - box.left) / box.width) * span;
    let nearest = 0;
    for (let i = 1; i < times.length; i += 1) if (Math.abs(times[i]! - time) < Math.abs(times[nearest]! - time)) nearest = i;
    onPick(nearest);
  };
  return (
    <div className="ticks" onClick={pick} aria-hidden="true">
      {times.map((time, i) => (
        <span key={frames[i]!.frame_id} className={i === current ? 'tick current' : 'tick'} style={{ left: at(time) }} />
      ))}
    </div>
  );
}

function GoToTime({ onGo }: { onGo: (iso: string) => void }) {
  const [value, setValue] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const iso = isoFromLocalInput(value);
    if (iso) onGo(iso);
  };
  return (
    <form className="go-to" onSubmit={submit}>
      <label>
        Frames from
        <input type="datetime-local" value={value} onChange={(event) => setValue(event.target.value)} />
      </label>
      <button type="submit" disabled={!value}>
        Go
      </button>
    </form>
  );
}
