import { useEffect, useRef, useState, type PointerEvent, type ReactNode } from 'react';
import type { FrameCache } from '../../labeling/frame-cache.js';
import { closesPolygon, MIN_SIZE, shapeGesture, type Gesture } from '../../labeling/gestures.js';
import { cornerNear, fromVertices, hits, isUpright, normalise, shapeAt, toVertices, vertexNear, type Point, type ShapeTool, type Track } from '../../labeling/tracks.js';
import { drawnSize } from '../../labeling/drawn-size.js';
import { ShapeOutline, scaled } from './shape-outline.js';

/** How near a corner or vertex of the selected shape a press drags it, in screen pixels. */
const HANDLE_REACH_PX = 7;

/**
 * Frame k as the API serves it, on a canvas, with the tracks' shapes over it: key frames drawn solid,
 * the shapes derived between them dashed. With a tool chosen (`drawing`), a drag draws a rectangle,
 * clicks draw a polygon (closed on its first vertex or with Enter) and a click a marker; otherwise a
 * drag moves the shape under the pointer, or a corner or vertex of the selected one.
 */
export function FrameStage(props: {
  cache: FrameCache<ImageBitmap>;
  frame: number;
  count: number;
  tracks: readonly Track[];
  selected: string | null;
  drawing: ShapeTool | null;
  colorOf: (track: Track) => string;
  nameOf: (track: Track) => string;
  onSelect: (mid: string | null) => void;
  onDraw: (points: Point[]) => void;
  onMove: (mid: string, points: Point[]) => void;
  /** Called with each frame once it is on the canvas (a stable function: a state setter). */
  onShown?: (frame: number) => void;
  /** Drawn under the tracks, in the frame's pixels (the predictions layer). */
  underlay?: (size: { width: number; height: number }) => ReactNode;
}) {
  const { cache, frame, count, tracks, selected, drawing, onShown } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<SVGSVGElement>(null);
  const [shown, setShown] = useState<{ frame: number; width: number; height: number } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [gesture, setGesture] = useState<Gesture | null>(null);
  /** The polygon being drawn: its vertices so far. */
  const [draft, setDraft] = useState<Point[]>([]);
  const [pointer, setPointer] = useState<Point | null>(null);

  // The canvas's size on screen, in device pixels: a frame larger than that is drawn at that size.
  const [screen, setScreen] = useState<{ width: number; height: number } | null>(null);
  useEffect(() => {
    const target = canvas.current;
    if (!target) return;
    const observer = new ResizeObserver(([entry]) => {
      const box = entry?.contentRect;
      if (box) setScreen({ width: Math.round(box.width * devicePixelRatio), height: Math.round(box.height * devicePixelRatio) });
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    let current = true;
    cache.get(frame).then(
      (image) => {
        const target = canvas.current;
        if (!current || !target) return;
        const size = drawnSize(image, screen);
        if (target.width !== size.width) target.width = size.width;
        if (target.height !== size.height) target.height = size.height;
        target.getContext('2d')?.drawImage(image, 0, 0, size.width, size.height);
        setShown({ frame, width: image.width, height: image.height });
        setFailure(null);
        onShown?.(frame);
      },
      (error: unknown) => current && setFailure(`Frame ${frame} could not be shown: ${(error as Error).message}`),
    );
    // The cache fetches the frames around this one itself, in the direction the labeler moves.
    return () => {
      current = false;
    };
  }, [cache, frame, screen, onShown]);

  // A polygon half drawn is dropped when drawing stops (Escape) or another tool is chosen.
  const [draftFor, setDraftFor] = useState(drawing);
  if (draftFor !== drawing) {
    setDraftFor(drawing);
    setDraft([]);
  }
  const { onDraw } = props;
  // Enter closes the polygon being drawn.
  useEffect(() => {
    if (draft.length === 0) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || draft.length < 3) return;
      event.preventDefault();
      onDraw(draft);
      setDraft([]);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [draft, onDraw]);

  const reach = (): Point => {
    const size = overlay.current!.getBoundingClientRect();
    return { x: HANDLE_REACH_PX / size.width, y: HANDLE_REACH_PX / size.height };
  };
  const pointAt = (event: PointerEvent): Point => {
    const box = overlay.current!.getBoundingClientRect();
    return { x: Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)), y: Math.min(1, Math.max(0, (event.clientY - box.top) / box.height)) };
  };

  const down = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    const at = pointAt(event);
    if (drawing === 'marker') {
      onDraw([at]);
      return;
    }
    if (drawing === 'polygon') {
      if (closesPolygon(draft, at, reach())) {
        onDraw(draft);
        setDraft([]);
      } else setDraft([...draft, at]);
      return;
    }
    event.currentTarget.setPointerCapture(event.pointerId);
    if (drawing === 'rectangle') {
      setGesture({ kind: 'draw', from: at, to: at });
      return;
    }
    const selectedTrack = tracks.find((t) => t.mid === selected);
    const selectedShape = selectedTrack && shapeAt(selectedTrack, frame)?.points;
    if (selectedTrack && selectedShape) {
      if (selectedTrack.tool === 'rectangle' && isUpright(selectedShape)) {
        const corner = cornerNear(fromVertices(selectedShape), at, reach());
        if (corner) {
          setGesture({ kind: 'resize', mid: selectedTrack.mid, corner, from: at, to: at, points: selectedShape });
          return;
        }
      } else if (selectedTrack.tool === 'polygon') {
        const vertex = vertexNear(selectedShape, at, reach());
        if (vertex >= 0) {
          setGesture({ kind: 'vertex', mid: selectedTrack.mid, vertex, from: at, to: at, points: selectedShape });
          return;
        }
      }
    }
    // The selected shape first, then the last drawn: the one on top.
    const order = [...tracks].sort((a, b) => Number(a.mid === selected) - Number(b.mid === selected)).reverse();
    for (const track of order) {
      const points = shapeAt(track, frame)?.points;
      if (points && hits(track.tool, points, at, reach())) {
        props.onSelect(track.mid);
        setGesture({ kind: 'move', mid: track.mid, from: at, to: at, points });
        return;
      }
    }
    props.onSelect(null);
  };

  const move = (event: PointerEvent) => {
    if (gesture) setGesture({ ...gesture, to: pointAt(event) });
    else if (draft.length > 0) setPointer(pointAt(event));
  };

  const up = (event: PointerEvent) => {
    if (!gesture) return;
    const to = pointAt(event);
    setGesture(null);
    if (gesture.kind === 'draw') {
      const box = normalise({ x0: gesture.from.x, y0: gesture.from.y, x1: to.x, y1: to.y });
      if (box.x1 - box.x0 >= MIN_SIZE && box.y1 - box.y0 >= MIN_SIZE) onDraw(toVertices(box));
    } else if (to.x !== gesture.from.x || to.y !== gesture.from.y) {
      const points = shapeGesture({ ...gesture, to });
      if (points) props.onMove(gesture.mid, points);
    }
  };

  const width = shown?.width ?? 16;
  const height = shown?.height ?? 9;

  return (
    <figure className={`frame-stage${drawing ? ' drawing' : ''}`} aria-label="Frame" data-frame={shown?.frame ?? ''} aria-busy={shown?.frame !== frame}>
      <div className="frame-box" style={{ aspectRatio: `${width} / ${height}`, width: `min(100%, calc(var(--frame-height) * ${width / height}))` }}>
        <canvas ref={canvas} />
        <svg ref={overlay} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={() => setGesture(null)}>
          {props.underlay?.({ width, height })}
          {tracks.map((track) => {
            const shownShape = shapeAt(track, frame, width / height);
            if (!shownShape) return null;
            const points = (gesture && gesture.kind !== 'draw' && gesture.mid === track.mid && shapeGesture(gesture)) || shownShape.points;
            const colour = props.colorOf(track);
            const bounds = fromVertices(points);
            const isSelected = track.mid === selected;
            return (
              <g key={track.mid} className={`box${shownShape.isKeyFrame ? ' key' : ' derived'}${isSelected ? ' selected' : ''}`} data-mid={track.mid} data-tool={track.tool} data-key-frame={shownShape.isKeyFrame}>
                <ShapeOutline tool={track.tool} points={points} width={width} height={height} colour={colour} />
                {isSelected && track.tool === 'rectangle' && isUpright(points) &&
                  ([
                    ['top-left', bounds.x0, bounds.y0],
                    ['top-right', bounds.x1, bounds.y0],
                    ['bottom-left', bounds.x0, bounds.y1],
                    ['bottom-right', bounds.x1, bounds.y1],
                  ] as const).map(([corner, x, y]) => <circle key={corner} className="handle" data-corner={corner} cx={x * width} cy={y * height} r={4} vectorEffect="non-scaling-stroke" />)}
                {isSelected && track.tool === 'polygon' && points.map((p, at) => <circle key={at} className="handle" data-vertex={at} cx={p.x * width} cy={p.y * height} r={4} vectorEffect="non-scaling-stroke" />)}
                <text x={bounds.x0 * width + (track.tool === 'marker' ? 8 : 2)} y={bounds.y0 * height - 3} fill={colour}>
                  {props.nameOf(track)}
                  {shownShape.isKeyFrame ? ' ◆' : ''}
                </text>
              </g>
            );
          })}
          {gesture?.kind === 'draw' && <polygon className="draft" points={scaled(toVertices(normalise({ x0: gesture.from.x, y0: gesture.from.y, x1: gesture.to.x, y1: gesture.to.y })), width, height)} vectorEffect="non-scaling-stroke" />}
          {draft.length > 0 && (
            <g className="draft-polygon">
              <polyline className="draft" points={scaled(pointer ? [...draft, pointer] : draft, width, height)} vectorEffect="non-scaling-stroke" />
              {draft.map((p, at) => <circle key={at} className={`handle${at === 0 ? ' first' : ''}`} cx={p.x * width} cy={p.y * height} r={at === 0 ? 5 : 3} vectorEffect="non-scaling-stroke" />)}
            </g>
          )}
        </svg>
      </div>
      <figcaption>
        Frame {frame} of {count}
        {drawing === 'polygon' && <span className="muted"> · {draft.length < 3 ? 'click the vertices' : 'click the first vertex or press Enter to close; Esc cancels'}</span>}
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

