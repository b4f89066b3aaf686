// The labeling tool's keyboard: which command a key press means, and the list the help panel shows. Pure.

export type Command =
  | { kind: 'step'; by: number }
  | { kind: 'category'; index: number }
  | { kind: 'draw' }
  | { kind: 'keyFrame' }
  | { kind: 'outside' }
  | { kind: 'play' }
  | { kind: 'save' }
  | { kind: 'help' }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'delete' }
  | { kind: 'cancel' };

export interface KeyPress {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** The command a key press means, or null when the tool leaves it to the browser. */
export function commandFor(press: KeyPress): Command | null {
  const control = press.ctrlKey || press.metaKey;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (press.altKey) return null;
  if (control) {
    if (key === 's') return { kind: 'save' };
    if (key === 'z') return { kind: press.shiftKey ? 'redo' : 'undo' };
    if (key === 'y') return { kind: 'redo' };
    return null;
  }
  const size = press.shiftKey ? 10 : 1;
  if (key === 'ArrowRight' || key === 'f') return { kind: 'step', by: size };
  if (key === 'ArrowLeft' || key === 'd') return { kind: 'step', by: -size };
  if (/^[1-9]$/.test(key)) return { kind: 'category', index: Number(key) - 1 };
  if (key === 'n') return { kind: 'draw' };
  if (key === 'k') return { kind: 'keyFrame' };
  if (key === 'o') return { kind: 'outside' };
  if (key === ' ') return { kind: 'play' };
  if (key === '?') return { kind: 'help' };
  if (key === 'Delete' || key === 'Backspace') return { kind: 'delete' };
  if (key === 'Escape') return { kind: 'cancel' };
  return null;
}

/** What the help panel lists: the keys and what they do. */
export const KEY_HELP: readonly (readonly [keys: string, action: string])[] = [
  ['→ or F', 'next frame'],
  ['← or D', 'previous frame'],
  ['Shift + → / ←', '10 frames forward / back'],
  ['1 – 9', 'choose a category'],
  ['N, then drag on the frame', 'draw a new box'],
  ['N with Polygon chosen, then click the vertices', 'draw a polygon: click the first vertex or press Enter to close it'],
  ['N with Point chosen, then click', 'put a point'],
  ['drag a shape', 'select and move it (a key frame on this frame)'],
  ['drag a corner of the selected box', 'resize it (a key frame on this frame)'],
  ['drag a vertex of the selected polygon', 'move that vertex (a key frame on this frame)'],
  ['K', 'make this frame a key frame of the selected track'],
  ['O', 'the selected object leaves here (outside), or comes back'],
  ['Space', 'play / pause'],
  ['Delete', 'remove the selected track'],
  ['Ctrl+Z / Ctrl+Shift+Z', 'undo / redo'],
  ['Ctrl+S', 'save'],
  ['Esc', 'stop drawing, deselect, close this panel'],
  ['?', 'show or hide this panel'],
];
