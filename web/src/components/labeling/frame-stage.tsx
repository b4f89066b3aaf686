import { useEffect, useRef, useState, type PointerEvent, type ReactNode } from 'react';
import type { FrameCache } from '../../labeling/frame-cache.js';
import { boxAt, cornerNear, moveBox, normalise, resizeBox, type Box, type Corner, type Track } from '../../labeling/tracks.js';

/** The smallest box a drag draws (a click is not a box), as a fraction of the frame. */
const MIN_SIZE = 0.005;
const PREFETCH_AHEAD = 12;
const PREFETCH_BEHIND = 2;
/** How near a corner of the selected box a press resizes it, in screen pixels. */
const HANDLE_REACH_PX = 7;

type Gesture = { kind: 'draw'; from: Point; to: Point } | { kind: 'move'; mid: string; from: Point; to: Point; box: Box } | { kind: 'resize'; mid: string; corner: Corner; from: Point; to: Point; box: Box };

/** The box a gesture on it shows while the pointer is down. */
function edited(gesture: Gesture, box: Box): Box {
  if (gesture.kind === 'move') return moveBox(gesture.box, gesture.to.x - gesture.from.x, gesture.to.y - gesture.from.y);
  if (gesture.kind === 'resize') return resizeBox(gesture.box, gesture.corner, gesture.to);
  return box;
}

interface Point {
  x: number;
  y: number;
}

/**
 * Frame k as the API serves it, on a canvas, with the tracks' boxes over it: key frames drawn solid,
 * the boxes derived between them dashed. Drag draws a box (after N) or moves the box under the pointer.
 */
export function FrameStage(props: {
  cache: FrameCache;
  frame: number;
  count: number;
  tracks: readonly Track[];
  selected: string | null;
  drawing: boolean;
  colorOf: (track: Track) => string;
  nameOf: (track: Track) => string;
  onSelect: (mid: string | null) => void;
  onDraw: (box: Box) => void;
  onMove: (mid: string, box: Box) => void;
  /** Drawn under the tracks, in the frame's pixels (the predictions layer). */
  underlay?: (size: { width: number; height: number }) => ReactNode;
}) {
  const { cache, frame, count, tracks, selected, drawing } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<SVGSVGElement>(null);
  const [shown, setShown] = useState<{ frame: number; width: number; height: number } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [gesture, setGesture] = useState<Gesture | null>(null);

  useEffect(() => {
    let current = true;
    cache.get(frame).then(
      (image) => {
        const target = canvas.current;
        if (!current || !target) return;
        if (target.width !== image.width) target.width = image.width;
        if (target.height !== image.height) target.height = image.height;
        target.getContext('2d')?.drawImage(image, 0, 0);
        setShown({ frame, width: image.width, height: image.height });
        setFailure(null);
      },
      (error: unknown) => current && setFailure(`Frame ${frame} could not be shown: ${(error as Error).message}`),
    );
    const around: number[] = [];
    for (let k = frame + 1; k <= Math.min(count - 1, frame + PREFETCH_AHEAD); k++) around.push(k);
    for (let k = frame - 1; k >= Math.max(0, frame - PREFETCH_BEHIND); k--) around.push(k);
    cache.prefetch(around);
    return () => {
      current = false;
    };
  }, [cache, frame, count]);

  const pointAt = (event: PointerEvent): Point => {
    const box = overlay.current!.getBoundingClientRect();
    return { x: Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)), y: Math.min(1, Math.max(0, (event.clientY - box.top) / box.height)) };
  };

  const down = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const at = pointAt(event);
    if (drawing) {
      setGesture({ kind: 'draw', from: at, to: at });
      return;
    }
    const selectedTrack = tracks.find((t) => t.mid === selected);
    const selectedBox = selectedTrack && boxAt(selectedTrack, frame)?.box;
    if (selected && selectedBox) {
      const size = overlay.current!.getBoundingClientRect();
      const corner = cornerNear(selectedBox, at, { x: HANDLE_REACH_PX / size.width, y: HANDLE_REACH_PX / size.height });
      if (corner) {
        setGesture({ kind: 'resize', mid: selected, corner, from: at, to: at, box: selectedBox });
        return;
      }
    }
    // The selected box first, then the last drawn: the one on top.
    const order = [...tracks].sort((a, b) => Number(a.mid === selected) - Number(b.mid === selected)).reverse();
    for (const track of order) {
      const box = boxAt(track, frame)?.box;
      if (box && at.x >= box.x0 && at.x <= box.x1 && at.y >= box.y0 && at.y <= box.y1) {
        props.onSelect(track.mid);
        setGesture({ kind: 'move', mid: track.mid, from: at, to: at, box });
        return;
      }
    }
    props.onSelect(null);
  };

  const move = (event: PointerEvent) => {
    if (gesture) setGesture({ ...gesture, to: pointAt(event) });
  };

  const up = (event: PointerEvent) => {
    if (!gesture) return;
    const to = pointAt(event);
    setGesture(null);
    if (gesture.kind === 'draw') {
      const box = normalise({ x0: gesture.from.x, y0: gesture.from.y, x1: to.x, y1: to.y });
      if (box.x1 - box.x0 >= MIN_SIZE && box.y1 - box.y0 >= MIN_SIZE) props.onDraw(box);
    } else if (to.x !== gesture.from.x || to.y !== gesture.from.y) {
      const box = edited({ ...gesture, to }, gesture.box);
      if (box.x1 - box.x0 >= MIN_SIZE && box.y1 - box.y0 >= MIN_SIZE) props.onMove(gesture.mid, box);
    }
  };

  const width = shown?.width ?? 16;
  const height = shown?.height ?? 9;
  const scaled = (box: Box) => ({ x: box.x0 * width, y: box.y0 * height, width: (box.x1 - box.x0) * width, height: (box.y1 - box.y0) * height });

  return (
    <figure className={`frame-stage${drawing ? ' drawing' : ''}`} aria-label="Frame" data-frame={shown?.frame ?? ''} aria-busy={shown?.frame !== frame}>
      <div className="frame-box" style={{ aspectRatio: `${width} / ${height}`, width: `min(100%, calc(var(--frame-height) * ${width / height}))` }}>
        <canvas ref={canvas} />
        <svg ref={overlay} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={() => setGesture(null)}>
          {props.underlay?.({ width, height })}
          {tracks.map((track) => {
            const shownBox = boxAt(track, frame);
            if (!shownBox) return null;
            const box = gesture && gesture.kind !== 'draw' && gesture.mid === track.mid ? edited(gesture, shownBox.box) : shownBox.box;
            const colour = props.colorOf(track);
            return (
              <g key={track.mid} className={`box${shownBox.isKeyFrame ? ' key' : ' derived'}${track.mid === selected ? ' selected' : ''}`} data-mid={track.mid} data-key-frame={shownBox.isKeyFrame}>
                <rect {...scaled(box)} stroke={colour} fill={colour} vectorEffect="non-scaling-stroke" />
                {track.mid === selected &&
                  ([
                    ['top-left', box.x0, box.y0],
                    ['top-right', box.x1, box.y0],
                    ['bottom-left', box.x0, box.y1],
                    ['bottom-right', box.x1, box.y1],
                  ] as const).map(([corner, x, y]) => <circle key={corner} className="handle" data-corner={corner} cx={x * width} cy={y * height} r={4} vectorEffect="non-scaling-stroke" />)}
                <text x={box.x0 * width + 2} y={box.y0 * height - 3} fill={colour}>
                  {props.nameOf(track)}
                  {shownBox.isKeyFrame ? ' ◆' : ''}
                </text>
              </g>
            );
          })}
          {gesture?.kind === 'draw' && <rect className="draft" {...scaled(normalise({ x0: gesture.from.x, y0: gesture.from.y, x1: gesture.to.x, y1: gesture.to.y }))} vectorEffect="non-scaling-stroke" />}
        </svg>
      </div>
      <figcaption>
        Frame {frame} of {count}
        {failure && (
          <span className="error" role="alert">
            {' '}
            {failure}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
