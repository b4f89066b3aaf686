import { memo, useRef, type PointerEvent } from 'react';
import { frameAtPosition, frameOffset, visibleSpans } from '../../labeling/timeline.js';
import type { Track } from '../../labeling/tracks.js';

/**
 * The time line under the frame: the current frame, and a row per track with where it shows a box
 * and its key frames. Pressing and dragging on it moves frame by frame.
 */
export function TimeLine({ frame, count, tracks, selected, names, onFrame }: { frame: number; count: number; tracks: readonly Track[]; selected: string | null; names: Map<string, string>; onFrame: (frame: number) => void }) {
  const area = useRef<HTMLDivElement>(null);
  const seek = (event: PointerEvent) => {
    const box = area.current?.getBoundingClientRect();
    if (box) onFrame(frameAtPosition(event.clientX - box.left, box.width, count));
  };
  const width = `${100 / Math.max(1, count)}%`;
  return (
    <div
      ref={area}
      className="time-line"
      role="slider"
      aria-label="Time line"
      aria-valuemin={0}
      aria-valuemax={Math.max(0, count - 1)}
      aria-valuenow={frame}
      aria-valuetext={`Frame ${frame} of ${count}`}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        seek(event);
      }}
      onPointerMove={(event) => event.buttons === 1 && seek(event)}
    >
      <div className="time-line-cursor" style={{ left: `${frameOffset(frame, count) * 100}%`, width }} />
      <TrackRows tracks={tracks} count={count} selected={selected} names={names} />
    </div>
  );
}

/**
 * A row per track: its visible spans and key frames (thousands of elements on a long video). Kept
 * apart from the cursor so that stepping a frame renders none of it again.
 */
const TrackRows = memo(function TrackRows({ tracks, count, selected, names }: { tracks: readonly Track[]; count: number; selected: string | null; names: Map<string, string> }) {
  const width = `${100 / Math.max(1, count)}%`;
  if (tracks.length === 0) return <div className="time-line-row muted">No tracks yet: press N and drag on the frame.</div>;
  return <div className="time-line-rows">{tracks.map((track) => (
    <div key={track.mid} className={`time-line-row${track.mid === selected ? ' selected' : ''}`} data-track={track.mid} title={names.get(track.category) ?? track.category}>
      {visibleSpans(track, count).map((span) => (
        <span key={span.from} className="time-line-span" style={{ left: `${frameOffset(span.from, count) * 100}%`, width: `${((span.to - span.from + 1) / count) * 100}%` }} />
      ))}
      {track.keys.map((key) => (
        <span key={key.frame} className={`time-line-key${key.outside ? ' outside' : ''}`} data-frame={key.frame} title={`${key.outside ? 'leaves on' : 'key frame'} ${key.frame}`} style={{ left: `${frameOffset(key.frame, count) * 100}%`, width }} />
      ))}
    </div>
  ))}</div>;
});
