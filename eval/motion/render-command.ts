import type { CameraEffects, Scenario, SceneObject, Waypoint } from './scenario.js';

/**
 * The ffmpeg arguments that render `scenario` over the still `backgroundImage` into `output`
 * (H.264, yuv420p). The picture is composed as a camera sees it: scene and objects first, then the
 * camera's shake, its exposure (drift, light switches, flashes), sensor noise, and compression.
 * Compositing runs in yuv444p so objects and shake move by single pixels, not chroma pairs.
 */
export function renderCommand(scenario: Scenario, backgroundImage: string, output: string): string[] {
  const { width, height, fps, duration, effects } = scenario;
  // Shake needs picture beyond the frame to move into: the scene is drawn this much larger each way.
  const margin = Math.ceil(effects.jitterPx ?? 0);
  const sceneWidth = width + 2 * margin;
  const sceneHeight = height + 2 * margin;
  const frames = Math.round(duration * fps);
  const args = ['-v', 'error', '-y', '-framerate', String(fps), '-i', backgroundImage];
  // The still is decoded and scaled once, then repeated: decoding a PNG for every frame is most of the work otherwise.
  const still = `scale=${sceneWidth}:${sceneHeight}:force_original_aspect_ratio=increase,crop=${sceneWidth}:${sceneHeight},setsar=1,format=yuv444p`;
  const graph = [`[0:v]${still},loop=loop=${frames - 1}:size=1,setpts=N[scene0]`];
  scenario.objects.forEach((object, k) => {
    const size = objectPixels(object, height);
    args.push('-f', 'lavfi', '-i', `color=c=${object.colour}:s=${size.width}x${size.height}:r=${fps}:d=${num(duration)}`);
    let sprite = `[${k + 1}:v]`;
    if (object.shape === 'ellipse') {
      graph.push(`${sprite}format=yuva444p,geq=lum='lum(X,Y)':cb='cb(X,Y)':cr='cr(X,Y)':a='255*lte(pow((X+0.5)/W-0.5,2)+pow((Y+0.5)/H-0.5,2),0.25)'[sprite${k}]`);
      sprite = `[sprite${k}]`;
    }
    const x = `${margin}+${pathExpression(object.path, 'x')}*${width}-${size.width / 2}`;
    const y = `${margin}+${pathExpression(object.path, 'y')}*${height}-${size.height / 2}`;
    const first = object.path[0]!.t;
    const last = object.path.at(-1)!.t;
    graph.push(`[scene${k}]${sprite}overlay=x='${x}':y='${y}':enable='between(t,${num(first)},${num(last)})':format=yuv444[scene${k + 1}]`);
  });
  const camera: string[] = [];
  if (margin > 0) camera.push(`crop=${width}:${height}:x='${margin}+${shake(effects.jitterPx!, 2.3, 5.3)}':y='${margin}+${shake(effects.jitterPx!, 1.7, 4.1)}'`);
  const gain = gainExpression(effects, duration, fps);
  // eq maps luma v (0–1) to contrast·(v − ½) + ½ + brightness. A gain g scales luma above video black
  // (16/255): v' = b + g·(v − b), which is contrast g with brightness (g − 1)·(½ − b).
  if (gain !== '1') camera.push(`eq=contrast='${gain}':brightness='(${gain}-1)*${num(0.5 - 16 / 255)}':eval=frame`);
  if (effects.noise > 0) camera.push(`noise=alls=${effects.noise}:allf=t`);
  camera.push('format=yuv420p');
  graph.push(`[scene${scenario.objects.length}]${camera.join(',')}[out]`);
  args.push(
    '-filter_complex', graph.join(';'),
    '-map', '[out]', '-an', '-frames:v', String(frames),
    // As a camera's hardware encoder does: no B-frames, deblocking on; ultrafast also renders three times faster than veryfast.
    '-c:v', 'libx264', '-preset', 'ultrafast', '-x264-params', 'deblock=0,0', '-crf', String(effects.crf), '-g', String(2 * fps), '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart', output,
  );
  return args;
}

/** The sprite's size in pixels (at least 2 × 2). */
export function objectPixels(object: SceneObject, frameHeight: number): { width: number; height: number } {
  const height = Math.max(2, Math.round((object.heightPct / 100) * frameHeight));
  return { width: Math.max(2, Math.round(height * object.aspect)), height };
}

/** One coordinate of the path as a function of `t`: straight between waypoints, held at the ends. */
export function pathExpression(path: readonly Waypoint[], axis: 'x' | 'y'): string {
  let expression = num(path.at(-1)![axis]);
  for (let k = path.length - 2; k >= 0; k -= 1) {
    const a = path[k]!;
    const b = path[k + 1]!;
    const along = `${num(a[axis])}+${num(b[axis] - a[axis])}*(t-${num(a.t)})/${num(b.t - a.t)}`;
    expression = `if(lt(t,${num(b.t)}),${along},${expression})`;
  }
  return expression;
}

/** A whole-pixel offset wandering within ±amplitude: two incommensurate wobbles, like a pole in wind. */
function shake(amplitude: number, slowHz: number, fastHz: number): string {
  return `round(${num(amplitude)}*(0.6*sin(2*PI*${slowHz}*t)+0.4*sin(2*PI*${fastHz}*t+1)))`;
}

/**
 * The exposure gain at time `t` (frame `n`) as an ffmpeg expression: the drift's ramp, times every
 * light switch passed, times a flash on its one frame. `'1'` when nothing changes the light.
 */
export function gainExpression(effects: CameraEffects, duration: number, fps: number): string {
  const factors: string[] = [];
  if (effects.driftGain !== undefined && effects.driftGain !== 1) factors.push(`(1+${num(effects.driftGain - 1)}*t/${num(duration)})`);
  for (const change of effects.lightSwitches ?? []) factors.push(`if(gte(t,${num(change.at)}),${num(change.gain)},1)`);
  for (const time of effects.flashes ?? []) factors.push(`if(eq(n,${flashFrame(time, fps)}),${num(effects.flashGain ?? 2)},1)`);
  return factors.length === 0 ? '1' : factors.join('*');
}

/** The frame a flash at `time` lands on. */
export function flashFrame(time: number, fps: number): number {
  return Math.round(time * fps);
}

/** A number as ffmpeg reads it, without float noise (0.30000000000000004 → 0.3). */
function num(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}
