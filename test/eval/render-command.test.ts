import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backgroundCommand } from '../../eval/motion/backgrounds.js';
import { flashFrame, gainExpression, objectPixels, pathExpression, renderCommand } from '../../eval/motion/render-command.js';
import type { Scenario } from '../../eval/motion/scenario.js';

const scenario: Scenario = {
  name: 'unit',
  about: 'unit',
  width: 640,
  height: 360,
  fps: 25,
  duration: 20,
  background: 'gradients',
  effects: { noise: 6, crf: 26 },
  objects: [
    { shape: 'box', colour: 'red', heightPct: 10, aspect: 0.5, path: [{ t: 2, x: 0.1, y: 0.5 }, { t: 6, x: 0.9, y: 0.5 }] },
    { shape: 'ellipse', colour: '0x00ff00', heightPct: 1, aspect: 1, path: [{ t: 8, x: 0.5, y: -0.1 }, { t: 12, x: 0.5, y: 1.1 }] },
  ],
};

/** The value following `flag` in an argument array. */
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('evaluation clip render command', () => {
  it('renders the still once, one lavfi colour source per object, to H.264 yuv420p at the scenario\'s quality', () => {
    const args = renderCommand(scenario, '/cache/bg.png', '/out/clip.mp4');
    assert.deepEqual(args.slice(0, 6), ['-v', 'error', '-y', '-framerate', '25', '-i']);
    assert.equal(args[6], '/cache/bg.png');
    const sources = args.flatMap((arg, k) => (arg === 'lavfi' ? [args[k + 2]] : []));
    assert.deepEqual(sources, ['color=c=red:s=18x36:r=25:d=20', 'color=c=0x00ff00:s=4x4:r=25:d=20']);
    assert.equal(after(args, '-c:v'), 'libx264');
    assert.equal(after(args, '-pix_fmt'), 'yuv420p');
    assert.equal(after(args, '-crf'), '26');
    assert.equal(after(args, '-g'), '50');
    assert.equal(after(args, '-frames:v'), '500');
    assert.equal(after(args, '-map'), '[out]');
    assert.equal(args.at(-1), '/out/clip.mp4');
  });

  it('overlays each object along its path only while it is on screen, ellipses through an alpha mask', () => {
    const graph = after(renderCommand(scenario, 'bg.png', 'out.mp4'), '-filter_complex')!.split(';');
    assert.equal(graph.length, 5, graph.join('\n'));
    assert.match(graph[0]!, /^\[0:v\]scale=640:360:force_original_aspect_ratio=increase,crop=640:360,setsar=1,format=yuv444p,loop=loop=499:size=1,setpts=N\[scene0\]$/);
    assert.equal(graph[1], "[scene0][1:v]overlay=x='0+if(lt(t,6),0.1+0.8*(t-2)/4,0.9)*640-9':y='0+if(lt(t,6),0.5+0*(t-2)/4,0.5)*360-18':enable='between(t,2,6)':format=yuv444[scene1]");
    assert.match(graph[2]!, /^\[2:v\]format=yuva444p,geq=.*:a='255\*lte\(pow\(\(X\+0\.5\)\/W-0\.5,2\)\+pow\(\(Y\+0\.5\)\/H-0\.5,2\),0\.25\)'\[sprite1\]$/);
    assert.match(graph[3]!, /^\[scene1\]\[sprite1\]overlay=.*enable='between\(t,8,12\)'.*\[scene2\]$/);
    assert.equal(graph[4], '[scene2]noise=alls=6:allf=t,format=yuv420p[out]', 'no shake, no light change: only noise');
  });

  it('shakes by cropping a larger scene, and changes the light with one gain through eq', () => {
    const shaky: Scenario = { ...scenario, objects: [], effects: { noise: 0, crf: 30, jitterPx: 2, driftGain: 0.5, lightSwitches: [{ at: 8, gain: 1.5 }], flashes: [10], flashGain: 1.8 } };
    const graph = after(renderCommand(shaky, 'bg.png', 'out.mp4'), '-filter_complex')!.split(';');
    assert.match(graph[0]!, /scale=644:364:.*crop=644:364/);
    const camera = graph[1]!;
    assert.match(camera, /^\[scene0\]crop=640:360:x='2\+round\(2\*\(.*\)\)':y='2\+round\(2\*\(.*\)\)',eq=contrast='(.+)':brightness='\(\1-1\)\*0\.437255':eval=frame,format=yuv420p\[out\]$/);
  });

  it('writes the gain as a product of drift, switches and flashes, on the flash\'s own frame', () => {
    assert.equal(gainExpression({ noise: 0, crf: 23 }, 30, 25), '1');
    assert.equal(
      gainExpression({ noise: 0, crf: 23, driftGain: 0.5, lightSwitches: [{ at: 8, gain: 0.55 }], flashes: [9.2], flashGain: 1.8 }, 30, 25),
      '(1+-0.5*t/30)*if(gte(t,8),0.55,1)*if(eq(n,230),1.8,1)',
    );
    assert.equal(flashFrame(9.21, 15), 138);
  });

  it('holds a path at its ends and moves straight between waypoints, pauses included', () => {
    const path = [{ t: 4, x: -0.05, y: 0.6 }, { t: 9, x: 0.4, y: 0.6 }, { t: 11.5, x: 0.4, y: 0.6 }, { t: 17, x: 1.05, y: 0.55 }];
    assert.equal(pathExpression(path, 'x'), 'if(lt(t,9),-0.05+0.45*(t-4)/5,if(lt(t,11.5),0.4+0*(t-9)/2.5,if(lt(t,17),0.4+0.65*(t-11.5)/5.5,1.05)))');
  });

  it('sizes sprites in whole pixels, never under 2', () => {
    assert.deepEqual(objectPixels({ shape: 'box', colour: 'red', heightPct: 12, aspect: 0.4, path: [] }, 720), { width: 34, height: 86 });
    assert.deepEqual(objectPixels({ shape: 'box', colour: 'red', heightPct: 0.1, aspect: 1, path: [] }, 360), { width: 2, height: 2 });
  });
});

describe('evaluation background command', () => {
  it('takes the median of vtest.avi sampled once a second', () => {
    assert.deepEqual(backgroundCommand('vtest', '/data/vtest.avi', 'bg.png'), ['-v', 'error', '-y', '-i', '/data/vtest.avi', '-vf', 'fps=1,tmedian=radius=39', '-frames:v', '1', 'bg.png']);
    assert.throws(() => backgroundCommand('vtest', null, 'bg.png'), /vtest\.avi/);
  });

  it('freezes the first frame of a seeded lavfi source', () => {
    for (const background of ['mandelbrot', 'cellauto', 'gradients', 'testsrc2'] as const) {
      const args = backgroundCommand(background, null, 'bg.png');
      assert.equal(args[args.indexOf('-f') + 1], 'lavfi');
      assert.ok(args[args.indexOf('-i') + 1]!.startsWith(`${background}=`), background);
      assert.deepEqual(args.slice(-3), ['-frames:v', '1', 'bg.png']);
    }
    assert.match(backgroundCommand('cellauto', null, 'bg.png').join(' '), /random_seed=7/);
    assert.match(backgroundCommand('gradients', null, 'bg.png').join(' '), /seed=7/);
  });
});
