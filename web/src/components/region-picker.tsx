import { useRef, useState, type PointerEvent } from 'react';
import { parseRegion, regionBetween, regionText, type Region } from '../events/region.js';
import { FileImage } from './file-image.js';

/**
 * Draws the event search's region on a frame: drag a rectangle over the picture (the thumbnail of
 * the newest event the search finds, so the camera's own view), and the region's `x,y,w,h` goes
 * into the search. The region already set is shown; dragging again replaces it.
 */
export function RegionPicker({ fileId, value, onChange }: { fileId: string; value: string; onChange: (roi: string) => void }) {
  const area = useRef<SVGSVGElement>(null);
  const [dragging, setDragging] = useState<{ from: { x: number; y: number }; to: { x: number; y: number } } | null>(null);
  const at = (event: PointerEvent<SVGSVGElement>) => {
    const box = area.current!.getBoundingClientRect();
    return { x: (event.clientX - box.left) / box.width, y: (event.clientY - box.top) / box.height };
  };
  const shown: Region | null = dragging ? regionBetween(dragging.from, dragging.to) : parseRegion(value);
  return (
    <div className="region-picker">
      <FileImage fileId={fileId} alt="The newest event's frame, to draw the region on" />
      <svg
        ref={area}
        role="img"
        aria-label="Region: drag on the frame"
        viewBox="0 0 1 1"
        preserveAspectRatio="none"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          setDragging({ from: at(event), to: at(event) });
        }}
        onPointerMove={(event) => dragging && setDragging({ ...dragging, to: at(event) })}
        onPointerUp={() => {
          if (!dragging) return;
          const region = regionBetween(dragging.from, dragging.to);
          setDragging(null);
          // A click without a drag leaves the region as it was.
          if (region.w > 0.005 && region.h > 0.005) onChange(regionText(region));
        }}
      >
        {shown && <rect x={shown.x} y={shown.y} width={shown.w} height={shown.h} vectorEffect="non-scaling-stroke" />}
      </svg>
    </div>
  );
}
