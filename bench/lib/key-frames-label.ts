/**
 * A key-frames-only Kili jsonResponse for job `job` (categories CAR and PERSON): `tracks` rectangles,
 * each keyed every `keyEvery` frames, drifting along slow sine curves so each box moves smoothly and
 * stays inside the frame.
 */
export function keyFramesResponse(frames: number, tracks: number, options: { job: string; keyEvery: number }): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  for (let frame = 0; frame < frames; frame += options.keyEvery) {
    const annotations = [];
    for (let k = 0; k < tracks; k += 1) {
      const x = round(0.05 + 0.7 * (0.5 + 0.5 * Math.sin(frame / 2000 + k)));
      const y = round(0.05 + 0.6 * (0.5 + 0.5 * Math.cos(frame / 3000 + k * 1.3)));
      const [w, h] = [0.1, 0.15];
      annotations.push({
        mid: `track-${k}`, type: 'rectangle', categories: [{ name: k % 2 === 0 ? 'CAR' : 'PERSON' }], isKeyFrame: true,
        // Bottom-left, top-left, top-right, bottom-right; y grows downwards.
        boundingPoly: [{ normalizedVertices: [{ x, y: round(y + h) }, { x, y }, { x: round(x + w), y }, { x: round(x + w), y: round(y + h) }] }],
      });
    }
    json[String(frame)] = { [options.job]: { annotations } };
  }
  return json;
}
