/**
 * Which of the live archiving processes should archive a camera: the one with the highest score
 * for the pair (rendezvous hashing). Every process computes the same answer from the same list;
 * cameras spread evenly, and a process joining or leaving moves only the cameras it gains or loses.
 */
export function preferredArchiver(cameraId: string, owners: readonly string[]): string | null {
  let best: string | null = null;
  let bestScore = -1;
  for (const owner of owners) {
    const score = pairScore(owner, cameraId);
    if (score > bestScore || (score === bestScore && best !== null && owner < best)) {
      best = owner;
      bestScore = score;
    }
  }
  return best;
}

/** A well-mixed 53-bit score of the two strings (two multiplicative 32-bit hashes, combined). */
function pairScore(owner: string, cameraId: string): number {
  const text = `${owner}\u0000${cameraId}`;
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
