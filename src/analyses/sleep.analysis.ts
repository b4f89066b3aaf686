import { Type } from '@sinclair/typebox';
import { setTimeout as delay } from 'node:timers/promises';
import { defineAnalysis } from './analysis.js';

export const analysis = defineAnalysis({
  name: 'sleep',
  description: 'Waits `time` seconds, reporting progress; for testing queues and workers.',
  input: 'none',
  params: Type.Object(
    { time: Type.Number({ minimum: 0, maximum: 86_400, default: 1, description: 'Seconds to wait.' }) },
    { additionalProperties: false },
  ),
  async run({ params, progress, signal }) {
    const steps = Math.max(1, Math.ceil(params.time * 10));
    for (let step = 1; step <= steps; step += 1) {
      await delay((params.time * 1000) / steps, undefined, { signal });
      progress(step / steps);
    }
    return { slept: params.time };
  },
});
