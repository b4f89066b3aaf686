import type { Camera } from '../api/types.js';

export type CameraState = 'up' | 'down' | 'idle';

/** Up: archived, and the last attempt worked; down: its last attempts failed; idle: disabled or never archived. */
export function cameraState(camera: Camera): CameraState {
  if (!camera.enabled || !camera.health) return 'idle';
  if (camera.health.consecutive_failures > 0) return 'down';
  return camera.health.last_success_at ? 'up' : 'idle';
}

export const STATE_WORDS: Record<CameraState, string> = { up: 'up', down: 'down', idle: 'not archiving' };

/** A camera's name for people: its name, else its id. */
export function cameraTitle(camera: Pick<Camera, 'id' | 'name'>): string {
  return camera.name ?? camera.id;
}
