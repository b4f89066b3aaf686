import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from './circuit-breaker.js';

describe('circuit breaker', () => {
  it('rests a camera after repeated failures, probes it later, and closes on success', () => {
    const breaker = new CircuitBreaker({ threshold: 3, baseMs: 1000, maxMs: 8000 });
    breaker.failed(0);
    breaker.failed(0);
    assert.ok(breaker.allows(0), 'two failures: still asked every tick');
    breaker.failed(0);
    assert.ok(!breaker.allows(500) && breaker.allows(1000), 'rests 1 s (jitter 0.5)');
    breaker.failed(1000);
    assert.ok(!breaker.allows(2999) && breaker.allows(3000), 'a failed probe doubles the rest');
    for (let k = 0; k < 10; k += 1) breaker.failed(3000);
    assert.ok(breaker.allows(3000 + 8000), 'never longer than the maximum');
    breaker.succeeded();
    assert.ok(breaker.allows(3001));
    assert.equal(breaker.consecutiveFailures, 0);
  });
  it('spreads probes with jitter', () => {
    const early = new CircuitBreaker({ threshold: 1, baseMs: 1000, maxMs: 1000 });
    const late = new CircuitBreaker({ threshold: 1, baseMs: 1000, maxMs: 1000 });
    early.failed(0, 0);
    late.failed(0, 1);
    assert.ok(early.allows(750) && !late.allows(750) && late.allows(1250));
  });
});
