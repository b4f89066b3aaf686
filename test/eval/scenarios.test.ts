import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scenarios } from '../../eval/motion/scenarios.js';
import { movingSpans, truthEvents, type Span } from '../../eval/motion/truth.js';

const GAP = 5;
const withObjects = scenarios.filter((s) => s.objects.length > 0);
const withoutObjects = scenarios.filter((s) => s.objects.length === 0);
/** Every object's moving spans in a clip, overlapping ones merged. */
function motion(scenario: (typeof scenarios)[number]): Span[] {
  const spans = scenario.objects.flatMap((o) => movingSpans(o, scenario.width, scenario.height)).sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

describe('evaluation scenarios', () => {
  it('have unique kebab-case names and sizes, rates and lengths in the planned range', () => {
    assert.equal(new Set(scenarios.map((s) => s.name)).size, scenarios.length);
    for (const s of scenarios) {
      assert.match(s.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(['640x360', '1280x720', '1920x1080'].includes(`${s.width}x${s.height}`), s.name);
      assert.ok([10, 15, 25, 30].includes(s.fps), s.name);
      assert.ok(s.duration >= 20 && s.duration <= 60, s.name);
    }
    const full = scenarios.filter((s) => s.height === 1080);
    assert.equal(full.length, 1, 'one short 1080p clip');
    assert.ok(full[0]!.duration <= 20);
    assert.ok(scenarios.filter((s) => s.height === 360).length > scenarios.length / 2, 'mostly 640x360');
    const minutes = scenarios.reduce((sum, s) => sum + s.duration, 0) / 60;
    assert.ok(minutes >= 10 && minutes <= 15, `${minutes} min of footage`);
  });

  it('has at least 12 clips with objects, each with 1 to 4 events, and objects as small as 1–1.5 % of the frame', () => {
    assert.ok(withObjects.length >= 12);
    for (const s of withObjects) {
      const events = truthEvents(s, GAP).length;
      assert.ok(events >= 1 && events <= 4, `${s.name}: ${events} events`);
    }
    const heights = withObjects.flatMap((s) => s.objects.map((o) => o.heightPct));
    assert.ok(heights.some((h) => h <= 1.2) && heights.some((h) => h >= 10));
    assert.ok(withObjects.some((s) => s.objects.some((o) => o.shape === 'ellipse')) && withObjects.some((s) => s.objects.some((o) => o.shape === 'box')));
  });

  it('has clips without objects for noise, drift, a light switch, flashes, shake and all of them at once', () => {
    const has = (test: (s: (typeof scenarios)[number]) => boolean) => withoutObjects.some(test);
    assert.ok(has((s) => s.effects.noise >= 20 && !s.effects.driftGain && !s.effects.jitterPx && !s.effects.flashes && !s.effects.lightSwitches));
    assert.ok(has((s) => s.effects.driftGain !== undefined && s.effects.driftGain <= 0.5));
    assert.ok(has((s) => (s.effects.lightSwitches?.length ?? 0) > 0));
    assert.ok(has((s) => (s.effects.flashes?.length ?? 0) >= 3));
    assert.ok(has((s) => (s.effects.jitterPx ?? 0) > 0 && !s.effects.flashes));
    assert.ok(has((s) => Boolean(s.effects.driftGain && s.effects.lightSwitches && s.effects.flashes && s.effects.jitterPx)));
  });

  it('move objects along paths whose times only go forward, and every object shows', () => {
    for (const s of withObjects) {
      for (const object of s.objects) {
        object.path.slice(1).forEach((point, k) => assert.ok(point.t > object.path[k]!.t, `${s.name}: waypoint times go forward`));
        assert.ok(movingSpans(object, s.width, s.height).length > 0, `${s.name}: an object that never shows`);
      }
    }
  });

  it('flash on frames a 5 fps analysis looks at (a flash between them would test nothing)', () => {
    for (const s of scenarios) {
      for (const time of s.effects.flashes ?? []) assert.ok(Math.abs(time * 5 - Math.round(time * 5)) < 1e-9, `${s.name}: a flash at ${time} s`);
    }
  });

  it('keep the truth unambiguous: calm at the ends, gaps far from the event gap, light changes away from event edges', () => {
    for (const s of withObjects) {
      const spans = motion(s);
      assert.ok(spans[0]!.start >= 3, `${s.name}: motion before 3 s`);
      assert.ok(spans.at(-1)!.end <= s.duration - 2, `${s.name}: motion in the last 2 s`);
      spans.slice(1).forEach((span, k) => {
        const gap = span.start - spans[k]!.end;
        assert.ok(gap < 3 || gap > 8, `${s.name}: a gap of ${gap.toFixed(2)} s is too close to the ${GAP} s event gap`);
      });
      const events = truthEvents(s, GAP);
      const changes = [...(s.effects.flashes ?? []), ...(s.effects.lightSwitches ?? []).map((change) => change.at)];
      for (const time of changes) {
        const inside = events.some((e) => time > e.start && time < e.end);
        const far = events.every((e) => time < e.start - 8 || time > e.end + 8);
        assert.ok(inside || far, `${s.name}: a light change at ${time} s is near an event's edge`);
      }
    }
  });
});
