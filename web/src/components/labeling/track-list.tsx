import { memo } from 'react';
import type { Track } from '../../labeling/tracks.js';

/** A track as the lists name it: its category, its shape unless a box, its key frames. */
export function describeTrack(track: Track, names: ReadonlyMap<string, string>): string {
  const shape = track.tool === 'rectangle' ? '' : track.tool === 'polygon' ? ' (polygon)' : ' (point)';
  return `${names.get(track.category) ?? track.category}${shape} · key frames ${track.keys.map((k) => k.frame).join(', ')}`;
}

/**
 * The tracks, a button each that selects one. Memoised: on a long video each names hundreds of key
 * frames, and stepping a frame changes none of it.
 */
export const TrackList = memo(function TrackList({ tracks, selected, names, onSelect }: { tracks: readonly Track[]; selected: string | null; names: ReadonlyMap<string, string>; onSelect: (mid: string) => void }) {
  if (tracks.length === 0) return <p className="muted">None yet.</p>;
  return (
    <ul className="plain tracks">
      {tracks.map((track) => (
        <li key={track.mid}>
          <button type="button" aria-pressed={track.mid === selected} onClick={() => onSelect(track.mid)}>
            {describeTrack(track, names)}
          </button>
        </li>
      ))}
    </ul>
  );
});
